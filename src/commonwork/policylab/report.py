"""A comparison of rule sets as data (JSON, CSV) and as a page (HTML with SVG charts)."""

from __future__ import annotations

import html
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from commonwork.core import csvsafe
from commonwork.core.marks import N_
from commonwork.observatory import metrics as m
from commonwork.policylab.simulate import Outcome

# (key, label, unit) in the order the report shows them.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("hourly_pay_median", N_("Hourly pay, waiting counted (median)"), "minor/h"),
    ("hourly_pay_mean", N_("Hourly pay, waiting counted (mean)"), "minor/h"),
    ("hourly_pay_p10", N_("Hourly pay, waiting counted (10th percentile)"), "minor/h"),
    ("hourly_pay_task_median", N_("Hourly pay, task time only (median)"), "minor/h"),
    ("share_hours_at_floor", N_("Share of working hours paid at or above the floor"), "share"),
    ("daily_hours_median", N_("Working hours per day (median)"), "h"),
    ("weekly_hours_median", N_("Working hours per week (median)"), "h"),
    ("share_above_48h", N_("Share of workers above 48 hours a week"), "share"),
    ("idle_share", N_("Idle share of working time"), "share"),
    ("labour_share", N_("Labour's share of client spending"), "share"),
    ("platform_share", N_("Platform's retained share (take)"), "share"),
    ("take_per_task_median", N_("Take per task (median)"), "share"),
    ("paid_share_of_time", N_("Share of working time on paid tasks"), "share"),
    ("retained_per_wage", N_("Retained value per unit of wages"), "ratio"),
    ("gini", N_("Gini of earnings"), "ratio"),
    ("top10_share", N_("Top 10 %'s share of earnings"), "share"),
    ("wait_median", N_("Customer wait, minutes (median)"), "min"),
    ("wait_p90", N_("Customer wait, minutes (90th percentile)"), "min"),
    ("completion_rate", N_("Completion rate"), "share"),
    ("deactivated_share", N_("Share of workers deactivated for declining"), "share"),
    ("floor_paid_share", N_("Share of the promised floor actually paid"), "share"),
    ("floor_funding_rate", N_("Solidarity rate that would pay the floor in full"), "share"),
)


def summarize(outcome: Outcome, *, floor_per_hour_minor: int) -> dict[str, float]:
    workers, tasks = outcome.workers, outcome.tasks
    with_wait = m.hourly_pay(workers, count_waiting=True)
    task_only = m.hourly_pay(workers, count_waiting=False)
    hours = m.weekly_hours(workers)
    earnings = [float(w.earnings_minor) for w in workers]
    waits = m.customer_wait(tasks)
    return {
        "hourly_pay_median": with_wait.median,
        "hourly_pay_mean": with_wait.mean,
        "hourly_pay_p10": with_wait.p10,
        "hourly_pay_task_median": task_only.median,
        "share_hours_at_floor": m.share_of_hours_at_or_above_floor(
            workers, floor_per_hour_minor=floor_per_hour_minor
        ),
        "daily_hours_median": m.quantile(m.daily_hours(workers), 0.5),
        "weekly_hours_median": m.quantile(hours, 0.5),
        "share_above_48h": m.share_above_weekly_hours(workers),
        "idle_share": m.idle_share(workers),
        "labour_share": m.labour_share(tasks),
        "platform_share": m.platform_share(tasks),
        "take_per_task_median": m.take_per_task(tasks).median,
        "paid_share_of_time": m.paid_share_of_working_time(workers),
        "retained_per_wage": m.retained_per_wage(tasks),
        "gini": m.gini(earnings),
        "top10_share": m.top_share(earnings, 0.1),
        "wait_median": waits.median,
        "wait_p90": waits.p90,
        "completion_rate": m.completion_rate(tasks),
        "deactivated_share": outcome.deactivated / len(workers) if workers else math.nan,
        "floor_paid_share": (
            outcome.floor_paid_minor / outcome.floor_due_minor
            if outcome.floor_due_minor
            else math.nan
        ),
        "floor_funding_rate": (
            outcome.floor_due_minor / sum(t.client_paid_minor for t in tasks)
            if outcome.floor_due_minor and any(t.client_paid_minor for t in tasks)
            else math.nan
        ),
    }


def distributions(outcome: Outcome) -> dict[str, list[float]]:
    """The per-worker and per-task values the report draws as histograms."""
    workers = outcome.workers
    return {
        "hourly_pay": [w.net_minor / w.working_hours for w in workers if w.working_hours > 0],
        "daily_hours": m.daily_hours(workers),
        "wait_minutes": [t.wait_minutes for t in outcome.tasks if t.wait_minutes is not None],
        "money": [
            float(sum(t.worker_paid_minor for t in outcome.tasks)),
            float(sum(t.platform_kept_minor for t in outcome.tasks)),
        ],
    }


HISTOGRAMS = (
    ("hourly_pay", N_("Hourly pay, waiting counted: how many workers earn what"), "minor/h"),
    ("daily_hours", N_("Working hours per day: how many workers work how long"), "h"),
    ("wait_minutes", N_("Customer waits: how many tasks wait how long"), "min"),
)


def _histogram(
    values: Sequence[float], low: float, high: float, bins: int = 12, *, colour: int = 0
) -> str:
    """A histogram in its rule set's colour (`bar-<n>`, the same in every chart)."""
    width, height = 300, 110
    counts = [0] * bins
    span = (high - low) or 1.0
    for value in values:
        counts[min(bins - 1, max(0, int((value - low) / span * bins)))] += 1
    top = max(counts) or 1
    bar = width / bins
    rects = "".join(
        f'<rect x="{i * bar:.1f}" y="{height - 16 - c / top * (height - 24):.1f}" '
        f'width="{bar - 2:.1f}" height="{c / top * (height - 24):.1f}" class="bar-{colour}"/>'
        for i, c in enumerate(counts)
    )
    axis = (
        f'<text x="0" y="{height - 2}" font-size="11">{_fmt(low)}</text>'
        f'<text x="{width}" y="{height - 2}" font-size="11" text-anchor="end">{_fmt(high)}</text>'
    )
    return (
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{rects}{axis}</svg>'
    )


def _money_split(labour: float, platform: float) -> str:
    total = (labour + max(platform, 0)) or 1.0
    share = labour / total * 300
    return (
        '<svg role="img" width="300" height="24" viewBox="0 0 300 24">'
        f'<rect x="0" y="0" width="{share:.1f}" height="24" class="bar-0"/>'
        f'<rect x="{share:.1f}" y="0" width="{300 - share:.1f}" height="24" class="bar-1"/>'
        "</svg>"
    )


Translate = Callable[[str], str]
MONEY_TITLE = N_("Where the clients' money goes")
MONEY_LEGEND = N_("green: workers, orange: the platform")
TITLE = N_("Policy lab: %(scenario)s")
FLOOR_SENTENCE = N_(
    "Under %(rules)s, %(paid)s %% of the pay floor promised was paid; a solidarity rate "
    "of %(rate)s %% would have paid all of it."
)
INTRO = N_(
    "The same demand and the same workers under %(rules)s. Money in minor units of the "
    "currency; formulas in docs/policylab.md."
)


def _same(text: str) -> str:
    return text


def _distribution_sections(spreads: dict[str, dict[str, list[float]]], _: Translate) -> str:
    sections = []
    for key, label, unit in HISTOGRAMS:
        everything = [v for spread in spreads.values() for v in spread[key]]
        if not everything:
            continue
        low, high = min(everything), max(everything)
        cells = "".join(
            f"<figure><figcaption>{html.escape(name)}</figcaption>"
            f"{_histogram(spread[key], low, high, colour=i % 2)}</figure>"
            for i, (name, spread) in enumerate(spreads.items())
        )
        sections.append(
            f'<section data-chart="{key}"><h2>{html.escape(_(label))} <small>({unit})</small>'
            f'</h2><div class="row">{cells}</div></section>'
        )
    money = "".join(
        f"<figure><figcaption>{html.escape(name)}</figcaption>"
        f"{_money_split(*spread['money'])}</figure>"
        for name, spread in spreads.items()
    )
    sections.append(
        f'<section data-chart="money"><h2>{html.escape(_(MONEY_TITLE))} '
        f"<small>({html.escape(_(MONEY_LEGEND))})</small></h2>"
        f'<div class="row">{money}</div></section>'
    )
    return "".join(sections)


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 6)


def as_json(scenario: str, summaries: dict[str, dict[str, float]]) -> str:
    data: dict[str, Any] = {
        "scenario": scenario,
        "metrics": [{"key": k, "label": label, "unit": u} for k, label, u in METRICS],
        "rule_sets": {
            name: {key: _clean(value) for key, value in values.items()}
            for name, values in summaries.items()
        },
    }
    return json.dumps(data, indent=2)


def as_csv(summaries: dict[str, dict[str, float]]) -> str:
    out = io.StringIO()
    writer = csvsafe.writer(out)
    names = list(summaries)
    writer.writerow(["metric", "unit", *names])
    for key, _label, unit in METRICS:
        writer.writerow([key, unit, *(_clean(summaries[n][key]) for n in names)])
    return out.getvalue()


def _bars(values: Sequence[tuple[str, float]], width: int = 320) -> str:
    finite = [v for _n, v in values if not math.isnan(v)]
    top = max((abs(v) for v in finite), default=1.0) or 1.0
    rows = []
    for i, (name, value) in enumerate(values):
        # Room after the longest bar for its value, so every label stays inside the chart.
        length = 0 if math.isnan(value) else max(0.0, value) / top * (width - 180)
        y = 4 + i * 22
        rows.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(name)}</text>'
            f'<rect x="110" y="{y}" width="{length:.1f}" height="16" class="bar-{i % 2}"/>'
            f'<text x="{114 + length:.1f}" y="{y + 13}" font-size="12">{_fmt(value)}</text>'
        )
    height = 8 + 22 * len(values)
    return (
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        + "".join(rows)
        + "</svg>"
    )


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"


# The report's own rules: inline in a written file, static/css/report.css on the platform
# (a test keeps the two equal).
REPORT_CSS = (
    "body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
    ".bar-0{fill:#1b6e4a}.bar-1{fill:#b5522a}section{margin:1.5rem 0}"
    ".row{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}"
)


def _known(value: object) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


def as_html(
    scenario: str,
    summaries: Mapping[str, Mapping[str, float | None]],
    spreads: dict[str, dict[str, list[float]]] | None = None,
    *,
    translate: Translate = _same,
    language: str = "en",
    stylesheet: str | None = None,
) -> str:
    """The report as a page. `translate` puts its sentences in the reader's language (the
    platform passes gettext; the command line writes English). The platform links its
    `stylesheet` (its Content-Security-Policy allows no inline style); a file written by
    the command carries the same rules inline, to stand alone."""
    _ = translate
    style = (
        f'<link rel="stylesheet" href="{html.escape(stylesheet)}">'
        if stylesheet
        else f"<style>{REPORT_CSS}</style>"
    )
    names = list(summaries)
    sections = [_distribution_sections(spreads, _)] if spreads else []
    for key, label, unit in METRICS:
        values = [(n, math.nan if (v := summaries[n][key]) is None else v) for n in names]
        sections.append(
            f'<section data-metric="{key}"><h2>{html.escape(_(label))} <small>({unit})</small>'
            f"</h2>{_bars(values)}</section>"
        )
    title = html.escape(_(TITLE) % {"scenario": scenario})
    intro = _(INTRO) % {"rules": ", ".join(names)}
    floor_lines = [
        _(FLOOR_SENTENCE)
        % {
            "rules": name,
            "paid": f"{100 * (values['floor_paid_share'] or 0):.0f}",
            "rate": f"{100 * (values['floor_funding_rate'] or 0):.1f}",
        }
        for name, values in summaries.items()
        if _known(values.get("floor_paid_share")) and _known(values.get("floor_funding_rate"))
    ]
    if floor_lines:
        intro += " " + " ".join(floor_lines)
    return (
        f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f"{style}</head><body>"
        f"<h1>{title}</h1><p>{html.escape(intro)}</p>" + "".join(sections) + "</body></html>"
    )
