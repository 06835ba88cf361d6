"""Dispatch's reasons as sentences, in the reader's language.

The engine returns stable reason codes with numbers; this module is the only place they
become words. Other workers are never named: a worker's explanation says "another
worker", so nobody learns where a colleague was or what they earned.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonwork.dispatch import solver
from commonwork.dispatch.models import DecisionKind, DispatchDecision, WeatherAlert


def _km(value: Any) -> str:
    return f"{float(value):.2f}"


def _constraint(code: str, *, about_me: bool) -> str:
    """Why a pair was impossible, from the task's side or from the worker's own side."""
    if about_me:
        sentences = {
            solver.OUTSIDE_RADIUS: _("The open tasks were beyond the co-op's dispatch radius."),
            solver.OUTSIDE_WORKER_DISTANCE: _(
                "The open tasks were farther than the distance you set."
            ),
            solver.SKILLS: _("The open tasks within reach need skills you have not listed."),
            solver.KIND_PREFERENCE: _(
                "The open tasks within reach are of kinds you chose not to take."
            ),
            solver.AREA_PREFERENCE: _("The open tasks within reach are outside your areas."),
            solver.DAILY_CAP: _("Any open task would take you past the co-op's daily hours cap."),
            solver.WEEKLY_CAP: _("Any open task would take you past the co-op's weekly hours cap."),
            solver.REST: _("You have not yet had the minimum rest the co-op's rules require."),
            solver.COST_ABOVE_PENALTY: _(
                "The tasks within reach were too far to be worth the trip."
            ),
            solver.BREAK_DUE: _(
                "A break is due: any open task would take you past the time the co-op's rules "
                "let anyone work without one. Pause (go unavailable) for the break, then "
                "offers come again."
            ),
            solver.WEATHER_ALERT: _(
                "The open tasks near you were held back by a weather alert: the co-op's rules "
                "keep outdoor work off the road while it is in force."
            ),
        }
    else:
        sentences = {
            solver.OUTSIDE_RADIUS: _("they were beyond the dispatch radius"),
            solver.OUTSIDE_WORKER_DISTANCE: _("it was farther than the distance they set"),
            solver.SKILLS: _("they lack a skill it needs"),
            solver.KIND_PREFERENCE: _("they chose not to take this kind of task"),
            solver.AREA_PREFERENCE: _("it is outside the areas they chose"),
            solver.DAILY_CAP: _("it would take them past the daily hours cap"),
            solver.WEEKLY_CAP: _("it would take them past the weekly hours cap"),
            solver.REST: _("they had not yet had their minimum rest"),
            solver.COST_ABOVE_PENALTY: _("the trip cost more than leaving it on the board"),
            solver.BREAK_DUE: _("they were due a break"),
            solver.WEATHER_ALERT: _("a weather alert holds it back"),
        }
    return sentences.get(code, code)


def explain_assignment(decision: DispatchDecision) -> list[str]:
    data = decision.data
    if "cost" not in data:
        # Past location_retention_days, or after the worker's erasure.
        return [
            _(
                "Offered to the best-placed worker. Where workers were, and so the "
                "distances, have since been deleted under the co-op's data retention."
            )
        ]
    if decision.task is not None and decision.task.kind == "remote":
        lines = [
            _(
                "Offered to the best-placed worker for this remote task. Cost %(cost)s, of "
                "which %(fairness_cost)s for fairness."
            )
            % {"cost": _km(data["cost"]), "fairness_cost": _km(data["fairness_cost"])}
        ]
    else:
        lines = [
            _(
                "Offered to the best-placed worker: pickup %(distance)s km away. Cost %(cost)s = "
                "%(distance_cost)s for distance + %(fairness_cost)s for fairness."
            )
            % {
                "distance": _km(data["distance_km"]),
                "cost": _km(data["cost"]),
                "distance_cost": _km(data["distance_cost"]),
                "fairness_cost": _km(data["fairness_cost"]),
            }
        ]
    alternative = data.get("alternative")
    if alternative is None:
        lines.append(_("No other available worker could take it."))
    elif alternative["reason"] == solver.COST_HIGHER:
        lines.append(
            _("The next-best worker would have cost %(difference)s more.")
            % {"difference": _km(alternative["cost_difference"])}
        )
    elif alternative["reason"] == solver.ASSIGNED_ELSEWHERE:
        lines.append(
            _("The next-best worker (%(difference)s more) was better placed for another task.")
            % {"difference": _km(alternative["cost_difference"])}
        )
    else:
        lines.append(
            _("A closer worker could not take it: %(reason)s.")
            % {"reason": _constraint(alternative["reason"], about_me=False)}
        )
    if decision.reason:
        lines.append(_("The offer could not be made: things changed before it was sent."))
    return lines


def explain_unassigned(decision: DispatchDecision) -> list[str]:
    code, data = decision.reason, decision.data
    if code == solver.NO_WORKERS_AVAILABLE:
        return [_("No worker was available when this round ran; the next round tries again.")]
    if code == solver.NO_WORKER_IN_RADIUS:
        return [
            _("No available worker was within %(radius)s km.")
            % {"radius": _km(data.get("radius_km", 0))}
        ]
    if code == solver.WORKERS_TAKEN:
        return [_("Every worker who could take it was better placed for another task.")]
    if code == solver.WEATHER_ALERT:
        alert = WeatherAlert.objects.filter(identifier=data.get("alert", "")).first()
        return [
            _(
                "Held back from dispatch: a weather alert is in force at the pickup (%(alert)s), "
                "and the co-op's rules keep outdoor tasks off the road while it lasts."
            )
            % {"alert": alert_words(alert) if alert else data.get("alert", "")}
        ]
    return [
        _("No available worker within reach could take it: %(reason)s.")
        % {"reason": _constraint(code, about_me=False)}
    ]


SEVERITY_WORDS = {
    "Minor": gettext_lazy("minor"),
    "Moderate": gettext_lazy("moderate"),
    "Severe": gettext_lazy("severe"),
    "Extreme": gettext_lazy("extreme"),
    "Unknown": gettext_lazy("of unknown severity"),
}


def alert_words(alert: WeatherAlert) -> str:
    """An alert as a reader says it: its event (in the weather service's words), how
    severe, and until when, in the reader's language."""
    return _("%(event)s, %(severity)s, until %(until)s") % {
        "event": alert.event,
        "severity": SEVERITY_WORDS.get(alert.severity, alert.severity),
        "until": date_format(timezone.localtime(alert.expires), "SHORT_DATETIME_FORMAT"),
    }


def explain_idle(decision: DispatchDecision) -> list[str]:
    code = decision.reason
    simple = {
        solver.NO_OPEN_TASKS: _("There were no open tasks."),
        solver.NO_TASK_IN_REACH: _("No open task was within your reach."),
        solver.TASKS_WENT_TO_OTHERS: _(
            "The tasks you could do went to workers who were closer, or who had earned less "
            "per hour this week."
        ),
        solver.LOCATION_UNKNOWN: _(
            "Your phone has not shared a position since you went available, so only remote "
            "tasks could be offered to you."
        ),
    }
    if code in simple:
        return [simple[code]]
    return [_constraint(code, about_me=True)]


def explain(decision: DispatchDecision) -> list[str]:
    if decision.kind == DecisionKind.ASSIGNED:
        return explain_assignment(decision)
    if decision.kind == DecisionKind.UNASSIGNED:
        return explain_unassigned(decision)
    return explain_idle(decision)
