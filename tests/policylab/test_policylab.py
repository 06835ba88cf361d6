"""The policy lab: bad input is refused before anything runs, a run is deterministic, the
same city meets every rule set, and the command writes its report."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commonwork.policylab.config import ConfigError, rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.report import Heading, as_html, distributions, summarize
from commonwork.policylab.simulate import simulate

TINY = {**SCENARIOS["small"], "days": 1, "workers": 25, "tasks_per_hour": [15.0] * 24}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"workers": 0}, "workers"),
        ({"trip_km_mean": -1}, "trip_km_mean"),
        ({"tasks_per_hour": [1.0] * 23}, "tasks_per_hour"),
        ({"tasks_per_hour": [-1.0] + [1.0] * 23}, "tasks_per_hour"),
        ({"hotspots": [{"x_km": 1, "y_km": 1, "weight": 1}]}, "hotspots[0].spread_km"),
        ({"days_off_per_week": 7}, "days_off_per_week"),
    ],
)
def test_a_bad_scenario_names_its_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as refused:
        scenario_from({**SCENARIOS["small"], **change})
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fee_rate": 1.2}, "fee_rate"),
        ({"fee_rate": -0.1}, "fee_rate"),
        ({"dispatch": "random"}, "dispatch"),
        ({"surge": 2}, "surge"),
        ({"onboarding": "whoever"}, "onboarding"),
    ],
)
def test_a_bad_rule_set_names_its_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as refused:
        rules_from({**RULE_SETS["extractive"], **change})
    assert refused.value.field == field


def test_the_same_seed_gives_identical_numbers_and_another_seed_does_not() -> None:
    scenario = scenario_from(TINY)
    rules = rules_from(RULE_SETS["extractive"])
    first = summarize(simulate(scenario, rules), floor_per_hour_minor=1500)
    again = summarize(simulate(scenario, rules), floor_per_hour_minor=1500)
    other = summarize(
        simulate(scenario_from({**TINY, "seed": 7}), rules), floor_per_hour_minor=1500
    )
    assert json.dumps(first) == json.dumps(again)
    assert json.dumps(first) != json.dumps(other)


def test_both_rule_sets_meet_the_same_demand_and_the_books_close() -> None:
    scenario = scenario_from(TINY)
    extractive = simulate(scenario, rules_from(RULE_SETS["extractive"]))
    cooperative = simulate(scenario, rules_from(RULE_SETS["cooperative"]))
    posted = [
        len([t for t in o.tasks if t.client_paid_minor >= 0]) for o in (extractive, cooperative)
    ]
    # Every posted task is accounted for (the close adds one transfer record at most).
    assert abs(posted[0] - posted[1]) <= 1
    for outcome in (extractive, cooperative):
        spent = sum(t.client_paid_minor for t in outcome.tasks)
        shared = sum(t.worker_paid_minor + t.platform_kept_minor for t in outcome.tasks)
        assert shared == pytest.approx(spent, abs=len(outcome.tasks))  # rounding per task
    coop = summarize(cooperative, floor_per_hour_minor=1500)
    ext = summarize(extractive, floor_per_hour_minor=1500)
    assert coop["platform_share"] < ext["platform_share"]
    assert coop["labour_share"] > ext["labour_share"]


def test_the_command_writes_json_csv_and_html(tmp_path: Path) -> None:
    scenario_file = tmp_path / "tiny.toml"
    lines = [f"{k} = {json.dumps(v)}" for k, v in TINY.items() if k != "hotspots"]
    hotspots = [
        "[[hotspots]]\n" + "\n".join(f"{k} = {v}" for k, v in h.items()) for h in TINY["hotspots"]
    ]
    scenario_file.write_text("\n".join(lines) + "\n\n" + "\n\n".join(hotspots) + "\n")
    call_command("policylab", "run", "--scenario", str(scenario_file), "--out", str(tmp_path / "r"))
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert set(report["rule_sets"]) == {"extractive", "cooperative"}
    assert "platform_share" in (tmp_path / "r" / "report.csv").read_text()
    page = (tmp_path / "r" / "report.html").read_text()
    for chart in ("hourly_pay", "daily_hours", "wait_minutes", "money"):
        assert f'data-chart="{chart}"' in page


def test_the_command_refuses_bad_input_before_running(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nfee_rate = 1.5\n')
    with pytest.raises(CommandError, match="fee_rate"):
        call_command("policylab", "run", "--rules", str(bad), "--out", str(tmp_path / "r"))
    assert not (tmp_path / "r").exists()


def test_declining_gets_workers_deactivated_only_where_the_rules_say_so() -> None:
    scenario = scenario_from(TINY)
    strict = rules_from(
        {
            **RULE_SETS["extractive"],
            "deactivate_below_acceptance": 0.99,
            "deactivation_after_offers": 5,
        }
    )
    lenient = rules_from({**RULE_SETS["extractive"], "deactivate_below_acceptance": None})
    assert simulate(scenario, strict).deactivated > 0
    assert simulate(scenario, lenient).deactivated == 0
    assert simulate(scenario, rules_from(RULE_SETS["cooperative"])).deactivated == 0


def test_a_longer_minimum_rest_means_fewer_hours_worked() -> None:
    scenario = scenario_from({**TINY, "days": 2})
    hours = {
        rest: sum(
            w.working_hours
            for w in simulate(
                scenario, rules_from({**RULE_SETS["cooperative"], "min_rest_hours": rest})
            ).workers
        )
        for rest in (0, 20)
    }
    assert hours[20] < hours[0]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_shipped_scenario_is_valid(name: str) -> None:
    scenario = scenario_from(SCENARIOS[name])
    assert scenario.workers >= 1
    assert len(scenario.tasks_per_hour) == 24


@pytest.mark.parametrize("name", sorted(RULE_SETS))
def test_every_shipped_rule_set_is_valid(name: str) -> None:
    assert rules_from(RULE_SETS[name]).name == name


@pytest.mark.slow
def test_simulated_weeks_keep_the_coop_within_its_weekly_cap() -> None:
    """Weekly hours come from simulated weeks (not a day times seven): under the co-op's
    48-hour cap no worker-week passes 48 hours by more than the wait until a round refuses
    them work (they then go home), while under the extractive rules weeks run far longer."""
    scenario = scenario_from({**TINY, "days": 7, "tasks_per_hour": [30.0] * 24})
    coop = simulate(scenario, rules_from(RULE_SETS["cooperative"]))
    weeks = [h for w in coop.workers for h in w.week_hours]
    assert weeks
    assert max(weeks) <= 48 + 1
    extractive = simulate(scenario, rules_from(RULE_SETS["extractive"]))
    assert max(h for w in extractive.workers for h in w.week_hours) > 60
    # Everyone takes their day off, under every rule set.
    assert max(w.days_worked or 0 for w in (*coop.workers, *extractive.workers)) == 6


def test_workers_take_the_days_off_the_scenario_gives_them() -> None:
    """Two days off a week: in a simulated week nobody works more than five days, and the
    hours per day count the days worked (a day off is not a short day)."""
    scenario = scenario_from({**TINY, "days": 7, "days_off_per_week": 2})
    outcome = simulate(scenario, rules_from(RULE_SETS["extractive"]))
    assert {w.days_worked for w in outcome.workers} <= {1, 2, 3, 4, 5}
    assert max(w.days_worked or 0 for w in outcome.workers) == 5
    busiest = max(outcome.workers, key=lambda w: w.working_hours)
    assert busiest.working_hours / (busiest.days_worked or 1) <= 16


def test_the_platforms_report_stylesheet_is_the_written_reports_own() -> None:
    from django.conf import settings

    from commonwork.policylab.report import REPORT_CSS

    served = (settings.PACKAGE_DIR / "static/css/report.css").read_text().strip()
    assert served == REPORT_CSS


def test_the_report_reads_as_a_council_member_needs_it() -> None:
    """A title naming the city, the period and the rule sets; the findings in a paragraph
    of words before any chart; money in the currency with two decimals; shares in per
    cent; axes on every histogram; each rule set in one colour in every chart."""
    scenario = scenario_from({**TINY, "days": 2, "currency": "CHF"})
    summaries, spreads = {}, {}
    for name in ("extractive", "cooperative"):
        outcome = simulate(scenario, rules_from(RULE_SETS[name]))
        summaries[name] = summarize(outcome, floor_per_hour_minor=1500)
        spreads[name] = distributions(outcome)
    page = as_html(Heading.of(scenario), summaries, spreads)
    title = "Policy lab: a small town 8 km across, 2 days — extractive against cooperative"
    assert f"<h1>{title}</h1>" in page
    summary = re.search(r'<p class="summary"[^>]*>(.*?)</p>', page)
    assert summary is not None
    assert summary.start() < page.index("<svg")
    pay = summaries["extractive"]["hourly_pay_median"]
    assert f"earned {round(pay) / 100:,.2f} CHF an hour" in summary.group(1)
    take = summaries["extractive"]["platform_share"]
    assert f"kept {100 * take:.1f} % of what clients paid" in summary.group(1)
    assert "of the pay floor promised was paid" in summary.group(1)
    take_section = page[page.index('data-metric="platform_share"') :]
    assert f">{100 * take:.1f} %</text>" in take_section[: take_section.index("</section>")]
    pay_section = page[page.index('data-metric="hourly_pay_median"') :]
    assert re.search(
        r">\d+\.\d\d CHF an hour</text>", pay_section[: pay_section.index("</section>")]
    )
    for chart in ("hourly_pay", "daily_hours", "wait_minutes"):
        section = page[page.index(f'data-chart="{chart}"') :]
        section = section[: section.index("</section>")]
        assert section.count('class="axis"') == 2 * 2  # both axes, in both rule sets' charts
    for section in re.findall(r"<section.*?</section>", page):
        figures = re.findall(r"<figcaption>(.*?)</figcaption>(.*?)</figure>", section)
        for caption, chart in figures:
            assert set(re.findall(r"rule-(\d)", chart)) == {"0" if caption == "extractive" else "1"}
        bars = re.findall(r">(extractive|cooperative)</text><rect[^>]*class=\"rule-(\d)\"", section)
        assert all(colour == ("0" if name == "extractive" else "1") for name, colour in bars)


def test_a_scenario_names_a_real_currency() -> None:
    with pytest.raises(ConfigError) as refused:
        scenario_from({**SCENARIOS["small"], "currency": "euro"})
    assert refused.value.field == "currency"
