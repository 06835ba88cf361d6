"""Issue 14, point 17: no cell of a CSV the platform writes starts a formula."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from commonwork.core import csvsafe


def test_formula_leading_text_is_written_as_text_and_numbers_as_numbers() -> None:
    assert csvsafe.neutralise("=1+2") == "'=1+2"
    assert csvsafe.neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert csvsafe.neutralise("+31 6 1234") == "'+31 6 1234"
    assert csvsafe.neutralise("\tcmd") == "'\tcmd"
    assert csvsafe.neutralise("-12.50") == "-12.50"
    assert csvsafe.neutralise(-5) == -5
    assert csvsafe.neutralise("Bob") == "Bob"


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula(cells: list[str]) -> None:
    out = io.StringIO()
    csvsafe.writer(out).writerow(cells)
    (row,) = list(csv.reader(io.StringIO(out.getvalue())))
    for cell in row:
        assert not cell.startswith(csvsafe.FORMULA_START) or csvsafe.PLAIN_NUMBER.fullmatch(cell)
