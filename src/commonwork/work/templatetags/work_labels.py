"""Words for a task's states and steps, in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()

STATUS_LABELS: dict[str, Promise] = {
    "draft": _("draft"),
    "open": _("open"),
    "offered": _("offered"),
    "accepted": _("accepted"),
    "in_progress": _("in progress"),
    "delivered": _("delivered"),
    "completed": _("completed"),
    "disputed": _("disputed"),
    "cancelled": _("cancelled"),
}

# The audit log's action names for a task, as the history on its page tells them.
STEP_LABELS: dict[str, Promise] = {
    "task.posted": _("Posted"),
    "task.publish": _("Published on the board"),
    "task.offer": _("Offered to a worker"),
    "task.accept_offer": _("Offer accepted"),
    "task.decline_offer": _("Offer declined (no penalty)"),
    "task.expire_offer": _("Offer expired (no penalty)"),
    "task.take": _("Taken from the board"),
    "task.release": _("Given back to the board"),
    "task.hand_back": _(
        "Handed back after an incident on the road (no penalty): being dispatched again"
    ),
    "task.start": _("Started"),
    "task.arrived": _("Arrived at the pickup"),
    "task.picked_up": _("Picked up"),
    "task.deliver": _("Delivered"),
    "task.complete": _("Completed: the client accepted the work"),
    "task.dispute": _("Disputed by the client"),
    "task.resolve_pay": _("Dispute resolved: the work stands and is paid"),
    "task.resolve_redo": _("Dispute resolved: the work is redone"),
    "task.resolve_cancel": _("Dispute resolved: the task is cancelled"),
    "task.cancel": _("Cancelled"),
}

BUTTON_LABELS: dict[str, Promise] = {
    "publish": _("Publish"),
    "take": _("Take this task"),
    "release": _("Give it back"),
    "start": _("Start"),
    "deliver": _("Mark delivered"),
    "complete": _("Accept the delivery"),
}


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def step_label(action: str) -> str:
    return str(STEP_LABELS.get(action, action))


@register.filter
def button_label(transition: str) -> str:
    return str(BUTTON_LABELS.get(transition, transition))


STEP_BUTTONS: dict[str, Promise] = {
    "arrived": _("I am at the pickup"),
    "picked_up": _("Picked up"),
}


@register.filter
def step_button(step: str) -> str:
    return str(STEP_BUTTONS.get(step, step))
