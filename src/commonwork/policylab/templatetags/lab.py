"""The lab's words for its pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext, ngettext

from commonwork.policylab.library import SCENARIOS
from commonwork.policylab.models import LabRun

register = template.Library()


@register.filter
def scenario_sentence(run: LabRun) -> str:
    """Where and for how long the run simulated, in the reader's language (never the
    scenario's code name)."""
    scenario = SCENARIOS.get(run.scenario)
    if scenario is None:
        return gettext("The same demand and the same workers under each rule set.")
    days = int(scenario.get("days", 1))
    return ngettext(
        "%(city)s, for %(days)s day: the same demand and the same workers under each rule set.",
        "%(city)s, for %(days)s days: the same demand and the same workers under each rule set.",
        days,
    ) % {"city": gettext(scenario["city"]), "days": days}
