"""CSV files the platform writes, safe to open in a spreadsheet.

A cell that begins with =, +, -, @, a tab or a carriage return is read as a formula by
spreadsheet programs (CSV injection: an account holder named `=HYPERLINK(...)`), so such
text is written with a leading apostrophe, which spreadsheets show as text and hide.
Plain numbers (`-12.50`) are left as they are. Every CSV the platform writes goes
through `writer` or `dict_writer`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet will read it as text, not run it as a formula."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class _Writer:
    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _DictWriter:
    def __init__(self, out: IO[str], fieldnames: list[str], **options: Any) -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, **options)

    def writeheader(self) -> None:
        self._writer.writerow({name: neutralise(name) for name in self._writer.fieldnames})

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({key: neutralise(value) for key, value in row.items()})


def writer(out: IO[str], **options: Any) -> _Writer:
    return _Writer(out, **options)


def dict_writer(out: IO[str], fieldnames: list[str], **options: Any) -> _DictWriter:
    return _DictWriter(out, fieldnames, **options)
