"""Parameter sweeps: a grid of variants × seeds, the same table serially and on Dask."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from commonwork.policylab.config import ConfigError
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.sweep import Table, cluster, execute, grid, parse_axis

# A town small enough that a run takes a fraction of a second.
TINY = {**SCENARIOS["small-day"], "name": "tiny", "workers": 12}


def test_a_grid_is_every_combination_on_every_seed() -> None:
    runs = grid(
        base_rules=RULE_SETS["cooperative"],
        axes={"fee_rate": [0.08, 0.1, 0.12], "pay_waiting": [True, False]},
        scenario=TINY,
        seeds=[5, 6],
    )
    assert len(runs) == 3 * 2 * 2
    assert [r.variant for r in runs[:4]] == [
        "fee_rate = 0.08, pay_waiting = True",
        "fee_rate = 0.08, pay_waiting = True",
        "fee_rate = 0.08, pay_waiting = False",
        "fee_rate = 0.08, pay_waiting = False",
    ]
    assert [r.seed for r in runs[:2]] == [5, 6]
    assert runs[0].scenario["seed"] == 5
    assert runs[-1].rules["fee_rate"] == 0.12
    assert runs[-1].rules["pay_waiting"] is False


@pytest.mark.parametrize(
    ("axes", "seeds", "field"),
    [
        ({"fee_rate": [0.1, 1.5]}, [1], "fee_rate"),  # a fee above 100 %
        ({"fee_rate": []}, [1], "fee_rate"),
        ({"fee_rate": [0.1]}, [], "seeds"),
    ],
)
def test_a_bad_grid_is_refused_before_anything_runs(
    axes: dict[str, list[float]], seeds: list[int], field: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        grid(base_rules=RULE_SETS["cooperative"], axes=axes, scenario=TINY, seeds=seeds)
    assert refused.value.field == field


def test_an_axis_is_read_from_the_command_line() -> None:
    assert parse_axis("fee_rate=0.08, 0.1,0.12") == ("fee_rate", [0.08, 0.1, 0.12])
    assert parse_axis("floor_per_hour_minor=1400,1600") == ("floor_per_hour_minor", [1400, 1600])
    assert parse_axis("pay_waiting=true,false") == ("pay_waiting", [True, False])
    with pytest.raises(ConfigError):
        parse_axis("no_such_rule=1")
    with pytest.raises(ConfigError):
        parse_axis("fee_rate")


def test_the_table_has_a_row_per_run_and_a_mean_per_variant() -> None:
    runs = grid(
        base_rules=RULE_SETS["cooperative"],
        axes={"fee_rate": [0.05, 0.3]},
        scenario=TINY,
        seeds=[1, 2],
    )
    progress: list[tuple[int, int]] = []
    results = execute(runs, progress=lambda done, total: progress.append((done, total)))
    assert progress[-1] == (4, 4)
    table = Table.of(runs, results)
    assert len(table.rows) == 4
    means = table.means()
    assert list(means) == ["fee_rate = 0.05", "fee_rate = 0.3"]
    pay = [row["hourly_pay_mean"] for row in table.rows[:2]]
    assert means["fee_rate = 0.05"]["hourly_pay_mean"] == pytest.approx(sum(pay) / 2)
    # Seeds differ (else a sweep would show no chance at all), and a higher fee leaves
    # workers less.
    assert pay[0] != pay[1]
    assert means["fee_rate = 0.05"]["hourly_pay_mean"] > means["fee_rate = 0.3"]["hourly_pay_mean"]
    rows = list(csv.DictReader(io.StringIO(table.as_csv())))
    assert [r["seed"] for r in rows] == ["1", "2", "1", "2"]
    assert rows[0]["fee_rate"] == "0.05"


@pytest.mark.slow
def test_a_sweep_on_two_dask_workers_gives_the_serial_table() -> None:
    runs = grid(
        base_rules=RULE_SETS["cooperative"],
        axes={"fee_rate": [0.08, 0.12], "floor_per_hour_minor": [1400, 1600]},
        scenario=TINY,
        seeds=[1, 2],
    )
    serial = execute(runs)
    seen: list[int] = []
    with cluster(workers=2) as client:
        parallel = execute(runs, client=client, progress=lambda done, _total: seen.append(done))
    assert seen == list(range(1, len(runs) + 1))
    for one, other in zip(serial, parallel, strict=True):
        assert one.keys() == other.keys()
        for key in one:
            assert one[key] == other[key] or (math.isnan(one[key]) and math.isnan(other[key]))


def test_the_command_writes_the_table_and_a_chart_per_metric(tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    call_command(
        "policylab",
        "sweep",
        "--scenario",
        "small-day",
        "--rules",
        "cooperative",
        "--vary",
        "fee_rate=0.08,0.12",
        "--seeds",
        "1",
        "--serial",
        "--out",
        str(out),
    )
    rows = list(csv.DictReader(io.StringIO((out / "sweep.csv").read_text())))
    assert [r["variant"] for r in rows] == ["fee_rate = 0.08", "fee_rate = 0.12"]
    page = (out / "sweep.html").read_text()
    assert 'data-metric="hourly_pay_median"' in page
    assert "fee_rate = 0.12" in page


def test_the_command_refuses_a_bad_axis(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a rule set field"):
        call_command("policylab", "sweep", "--vary", "fees=1", "--out", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()
