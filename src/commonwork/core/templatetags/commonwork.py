"""Template filters the pages share."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from commonwork.core.money import format_minor

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str) -> str:
    """{{ task.price_minor|money:cooperative.currency }} -> "12.50 EUR"."""
    if amount_minor is None:
        return ""
    return format_minor(int(amount_minor), currency)


@register.filter
def translated(message: str) -> str:
    """A refusal's message in the reader's language, where the catalogue has it.

    Actions raise their messages in English (the API's language); the pages look the same
    sentence up in the catalogue, so a sentence with no translation stays readable.
    """
    return gettext(message)
