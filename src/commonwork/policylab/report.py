"""A comparison of rule sets as data (JSON, CSV) and as a page (HTML with SVG charts)
that a city council member can read: the findings in words first, money in the currency,
shares as percentages, one colour per rule set throughout, axes on every histogram."""

from __future__ import annotations

import functools
import html
import io
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from commonwork.core import csvsafe
from commonwork.core.marks import N_, NP_
from commonwork.core.money import format_minor
from commonwork.observatory import metrics as m
from commonwork.policylab.config import Scenario
from commonwork.policylab.simulate import Outcome

# (key, label, unit) in the order the report shows them.
METRICS: tuple[tuple[str, str, str], ...] = (
    ("hourly_pay_median", N_("Hourly pay, waiting counted (median)"), "minor/h"),
    ("hourly_pay_mean", N_("Hourly pay, waiting counted (mean)"), "minor/h"),
    ("hourly_pay_p10", N_("Hourly pay, waiting counted (10th percentile)"), "minor/h"),
    ("hourly_pay_task_median", N_("Hourly pay, task time only (median)"), "minor/h"),
    ("share_hours_at_floor", N_("Share of working hours paid at or above the floor"), "share"),
    ("daily_hours_median", N_("Working hours per day worked (median)"), "h"),
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


# (key, title, what is counted, unit) of each histogram.
HISTOGRAMS = (
    (
        "hourly_pay",
        N_("Hourly pay, waiting counted: how many workers earn what"),
        N_("workers"),
        "minor/h",
    ),
    (
        "daily_hours",
        N_("Working hours per day worked: how many workers work how long"),
        N_("workers"),
        "h",
    ),
    ("wait_minutes", N_("Customer waits: how many tasks wait how long"), N_("tasks"), "min"),
)

Translate = Callable[[str], str]
TranslatePlural = Callable[[str, str, int], str]

UNIT_NAMES = {
    "minor/h": N_("per hour"),
    "share": N_("per cent"),
    "h": N_("hours"),
    "min": N_("minutes"),
    "ratio": N_("ratio"),
}
MONEY_TITLE = N_("Where the clients' money goes")
MONEY_LEGEND = N_("in each rule set's colour: the workers' share; grey: what the platform keeps")
TITLE = N_("Policy lab: %(city)s, %(period)s — %(rules)s")
AGAINST = N_(" against ")
PERIOD = NP_("%(days)s day", "%(days)s days")
WORKERS_SHARE = N_("workers %(share)s")
PLATFORM_SHARE = N_("platform %(share)s")
LEGEND = N_("Colours")
SUMMARY = N_(
    "Under the %(rules)s rules, the median worker earned %(pay)s an hour, waiting counted "
    "and vehicle costs paid; %(paid)s of their working time was paid work; the platform "
    "kept %(take)s of what clients paid; customers waited %(wait)s minutes (median)."
)
FLOOR_SENTENCE = N_(
    "Under %(rules)s, %(paid)s of the pay floor promised was paid; a solidarity rate "
    "of %(rate)s would have paid all of it."
)
WEEK_SENTENCE = N_("Under %(rules)s, %(share)s of worker-weeks were longer than 48 hours.")
INTRO = N_(
    "The same demand and the same workers under each rule set, simulated minute by minute; "
    "its formulas are published with the platform's documentation."
)


def _same(text: str) -> str:
    return text


def _plural_same(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def format_value(value: float | None, unit: str, currency: str, _: Translate = _same) -> str:
    """A measure as a reader reads it: money in the currency with two decimals, shares
    as percentages, hours and minutes with one decimal."""
    if value is None or math.isnan(value):
        return "—"
    if unit == "minor/h":
        return _("%(amount)s an hour") % {"amount": format_minor(round(value), currency)}
    if unit == "share":
        return f"{100 * value:.1f} %"
    if unit == "h":
        return _("%(hours)s h") % {"hours": f"{value:.1f}"}
    if unit == "min":
        return _("%(minutes)s min") % {"minutes": f"{value:.1f}"}
    return f"{value:.2f}"


def _axis_value(value: float, unit: str, currency: str) -> str:
    """A tick's label: money as a plain amount in major units, two decimals."""
    if unit == "minor/h":
        return format_minor(round(value), currency).removesuffix(f" {currency}")
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _histogram(
    values: Sequence[float],
    low: float,
    high: float,
    *,
    colour: int,
    unit_label: str,
    counted: str,
    tick: Callable[[float], str],
    bins: int = 12,
) -> str:
    """A histogram in its rule set's colour with both axes: the measure along the bottom
    (three ticks and its unit), the count up the side (zero and the tallest bar)."""
    left, width, plot_height = 52, 320, 110
    height = plot_height + 36
    counts = [0] * bins
    span = (high - low) or 1.0
    for value in values:
        counts[min(bins - 1, max(0, int((value - low) / span * bins)))] += 1
    top = max(counts) or 1
    bar = (width - left - 4) / bins
    rects = "".join(
        f'<rect x="{left + i * bar:.1f}" y="{plot_height - c / top * (plot_height - 8):.1f}" '
        f'width="{bar - 2:.1f}" height="{c / top * (plot_height - 8):.1f}" class="rule-{colour}"/>'
        for i, c in enumerate(counts)
    )
    ticks = "".join(
        f'<text x="{x:.1f}" y="{plot_height + 14}" font-size="11" text-anchor="{anchor}">'
        f"{html.escape(tick(value))}</text>"
        for x, value, anchor in (
            (left, low, "start"),
            (left + (width - left) / 2, (low + high) / 2, "middle"),
            (width, high, "end"),
        )
    )
    axes = (
        f'<line x1="{left}" y1="{plot_height}" x2="{width}" y2="{plot_height}" class="axis"/>'
        f'<line x1="{left}" y1="8" x2="{left}" y2="{plot_height}" class="axis"/>'
        f'<text x="{left - 4}" y="{plot_height}" font-size="11" text-anchor="end">0</text>'
        f'<text x="{left - 4}" y="16" font-size="11" text-anchor="end">{top}</text>'
        f'<text x="{left - 4}" y="30" font-size="10" text-anchor="end">'
        f"{html.escape(counted)}</text>"
        f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" font-size="11" '
        f'text-anchor="middle">{html.escape(unit_label)}</text>'
    )
    return (
        f'<svg role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{rects}{axes}{ticks}</svg>'
    )


def _money_split(labour: float, platform: float, colour: int, _: Translate) -> str:
    """The clients' money as one bar: the workers' part in the rule set's colour, the
    platform's in grey, each with its share written inside the chart."""
    total = (labour + max(platform, 0)) or 1.0
    share = labour / total
    length = share * 300
    return (
        '<svg role="img" width="300" height="44" viewBox="0 0 300 44">'
        f'<rect x="0" y="0" width="{length:.1f}" height="24" class="rule-{colour}"/>'
        f'<rect x="{length:.1f}" y="0" width="{300 - length:.1f}" height="24" class="kept"/>'
        f'<text x="0" y="40" font-size="12">'
        f"{html.escape(_(WORKERS_SHARE) % {'share': f'{100 * share:.1f} %'})}</text>"
        f'<text x="300" y="40" font-size="12" text-anchor="end">'
        f"{html.escape(_(PLATFORM_SHARE) % {'share': f'{100 * (1 - share):.1f} %'})}"
        "</text></svg>"
    )


def _legend(names: Sequence[str], _: Translate) -> str:
    items = "".join(
        f'<li><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">'
        f'<rect width="14" height="14" class="rule-{i % RULE_COLOURS}"/></svg> '
        f"{html.escape(_(name))}</li>"
        for i, name in enumerate(names)
    )
    return f'<ul class="legend" aria-label="{html.escape(_(LEGEND))}">{items}</ul>'


def _distribution_sections(
    spreads: dict[str, dict[str, list[float]]], currency: str, _: Translate
) -> str:
    sections = []
    for key, label, counted, unit in HISTOGRAMS:
        everything = [v for spread in spreads.values() for v in spread[key]]
        if not everything:
            continue
        low, high = min(everything), max(everything)
        unit_label = (
            _("%(currency)s an hour") % {"currency": currency}
            if unit == "minor/h"
            else _(UNIT_NAMES[unit])
        )
        cells = "".join(
            f"<figure><figcaption>{html.escape(_(name))}</figcaption>"
            + _histogram(
                spread[key],
                low,
                high,
                colour=i % RULE_COLOURS,
                unit_label=unit_label,
                counted=_(counted),
                tick=functools.partial(_axis_value, unit=unit, currency=currency),
            )
            + "</figure>"
            for i, (name, spread) in enumerate(spreads.items())
        )
        sections.append(
            f'<section data-chart="{key}"><h2>{html.escape(_(label))}</h2>'
            f'<div class="row">{cells}</div></section>'
        )
    money = "".join(
        f"<figure><figcaption>{html.escape(_(name))}</figcaption>"
        f"{_money_split(spread['money'][0], spread['money'][1], i % RULE_COLOURS, _)}</figure>"
        for i, (name, spread) in enumerate(spreads.items())
    )
    sections.append(
        f'<section data-chart="money"><h2>{html.escape(_(MONEY_TITLE))}</h2>'
        f"<p><small>{html.escape(_(MONEY_LEGEND))}</small></p>"
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


def _bars(
    values: Sequence[tuple[str, float]], label: Callable[[float], str], width: int = 340
) -> str:
    """One bar per rule set in its colour, each with its value written inside the chart
    (room is left after the longest bar for it)."""
    finite = [v for _n, v in values if not math.isnan(v)]
    top = max((abs(v) for v in finite), default=1.0) or 1.0
    rows = []
    for i, (name, value) in enumerate(values):
        length = 0 if math.isnan(value) else max(0.0, value) / top * (width - 230)
        y = 4 + i * 22
        rows.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(name)}</text>'
            f'<rect x="110" y="{y}" width="{length:.1f}" height="16" '
            f'class="rule-{i % RULE_COLOURS}"/>'
            f'<text x="{114 + length:.1f}" y="{y + 13}" font-size="12">'
            f"{html.escape(label(value))}</text>"
        )
    height = 8 + 22 * len(values)
    return (
        f'<svg role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        + "".join(rows)
        + "</svg>"
    )


# One colour per rule set, in report order, the same in every chart; grey is what the
# platform keeps. Chosen to stay apart for the common kinds of colour blindness (Okabe and
# Ito's palette).
RULE_COLOURS = 6
# The report's own rules: inline in a written file, static/css/report.css on the platform
# (a test keeps the two equal).
REPORT_CSS = (
    "body{font-family:sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
    ".rule-0{fill:#0072b2}.rule-1{fill:#d55e00}.rule-2{fill:#009e73}.rule-3{fill:#cc79a7}"
    ".rule-4{fill:#e69f00}.rule-5{fill:#56b4e9}.kept{fill:#bbb}.axis{stroke:#555}"
    "section{margin:1.5rem 0}.row{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}"
    ".legend{list-style:none;padding:0;display:flex;gap:1.5rem}.summary{font-size:1.1rem}"
)


def _known(value: object) -> bool:
    return isinstance(value, int | float) and not math.isnan(value)


@dataclass(frozen=True)
class Heading:
    """What the report is about: the model city, the period simulated, the currency."""

    city: str
    days: int
    currency: str

    @classmethod
    def of(cls, scenario: Scenario) -> Heading:
        return cls(scenario.city, scenario.days, scenario.currency)


def _summary(
    summaries: Mapping[str, Mapping[str, float | None]], currency: str, _: Translate
) -> str:
    """The report in words, for a reader who will not study the charts."""

    def value(values: Mapping[str, float | None], key: str, unit: str) -> str:
        return format_value(values.get(key), unit, currency, _)

    sentences = []
    for name, values in summaries.items():
        sentences.append(
            _(SUMMARY)
            % {
                "rules": _(name),
                "pay": (
                    format_minor(round(pay), currency)
                    if (pay := values.get("hourly_pay_median")) is not None and _known(pay)
                    else "—"
                ),
                "paid": value(values, "paid_share_of_time", "share"),
                "take": value(values, "platform_share", "share"),
                "wait": f"{values.get('wait_median') or 0:.1f}",
            }
        )
    for name, values in summaries.items():
        if _known(values.get("floor_paid_share")) and _known(values.get("floor_funding_rate")):
            sentences.append(
                _(FLOOR_SENTENCE)
                % {
                    "rules": _(name),
                    "paid": value(values, "floor_paid_share", "share"),
                    "rate": value(values, "floor_funding_rate", "share"),
                }
            )
    for name, values in summaries.items():
        if _known(values.get("share_above_48h")):
            sentences.append(
                _(WEEK_SENTENCE)
                % {"rules": _(name), "share": value(values, "share_above_48h", "share")}
            )
    sentences.append(_(INTRO))
    return " ".join(sentences)


def _back_link(back: tuple[str, str] | None) -> str:
    if back is None:
        return ""
    href, label = back
    return f'<p><a href="{html.escape(href)}" data-testid="back">{html.escape(label)}</a></p>'


def as_html(
    heading: Heading,
    summaries: Mapping[str, Mapping[str, float | None]],
    spreads: dict[str, dict[str, list[float]]] | None = None,
    *,
    translate: Translate = _same,
    translate_plural: TranslatePlural = _plural_same,
    language: str = "en",
    stylesheet: str | None = None,
    back: tuple[str, str] | None = None,
) -> str:
    """The report as a page a city council member can read: a title naming the city, the
    period and the rule sets; a paragraph in words; then the charts. `translate` puts its
    sentences in the reader's language (the platform passes gettext; the command line
    writes English). The platform links its `stylesheet` (its Content-Security-Policy
    allows no inline style); a file written by the command carries the same rules inline,
    to stand alone."""
    _ = translate
    style = (
        f'<link rel="stylesheet" href="{html.escape(stylesheet)}">'
        if stylesheet
        else f"<style>{REPORT_CSS}</style>"
    )
    names = list(summaries)
    currency = heading.currency
    sections = [_distribution_sections(spreads, currency, _)] if spreads else []
    for key, label, unit in METRICS:
        values = [(_(n), math.nan if (v := summaries[n][key]) is None else v) for n in names]
        sections.append(
            f'<section data-metric="{key}"><h2>{html.escape(_(label))}</h2>'
            + _bars(values, functools.partial(format_value, unit=unit, currency=currency, _=_))
            + "</section>"
        )
    period = translate_plural(*PERIOD, heading.days) % {"days": heading.days}
    title = _(TITLE) % {
        "city": _(heading.city),
        "period": period,
        "rules": _(AGAINST).join(_(n) for n in names),
    }
    return (
        f'<!doctype html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f"{style}</head><body>" + _back_link(back) + f"<h1>{html.escape(title)}</h1>"
        f'<p class="summary" data-testid="summary">'
        f"{html.escape(_summary(summaries, currency, _))}</p>"
        + _legend(names, _)
        + "".join(sections)
        + "</body></html>"
    )
