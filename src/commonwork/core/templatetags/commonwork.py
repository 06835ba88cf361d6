"""Template filters the pages share."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import gettext

from commonwork.core.errors import DomainError
from commonwork.core.money import format_minor

register = template.Library()


@register.filter
def money(amount_minor: int | None, currency: str) -> str:
    """{{ task.price_minor|money:cooperative.currency }} -> "12.50 EUR"."""
    if amount_minor is None:
        return ""
    return format_minor(int(amount_minor), currency)


@register.filter
def translated(message: object) -> str:
    """A refusal's message in the reader's language, where the catalogue has it.

    Actions raise their messages in English (the API's language); the pages look the same
    sentence up in the catalogue, so a sentence with no translation stays readable. Given
    a DomainError, its template is looked up and its parameters filled in afterwards.
    """
    if isinstance(message, DomainError):
        return message.localized()
    return gettext(str(message))


@register.filter
def percent(value: object, places: int = 1) -> str:
    """A share as a percentage: Fraction(9, 10) or 0.9 → "90.0". A value already out of
    100 takes `per_hundred` instead."""
    if value is None:
        return ""
    number = float(value)  # type: ignore[arg-type]
    return f"{number * 100:.{int(places)}f}"


@register.filter
def rate_value(value: object) -> str:
    """A rate as a governed value a proposal can carry: 4 decimals, rounded up (so the
    rate suggested covers what it is meant to)."""
    if value is None:
        return ""
    scaled = Fraction(str(value)) * 10_000
    return f"{math.ceil(scaled) / 10_000:.4f}"


@register.filter
def per_hundred(value: object) -> str:
    """A value already out of 100 (Fraction(45, 2)) → "22.50"."""
    if value is None:
        return ""
    return f"{float(value):.2f}"  # type: ignore[arg-type]


@register.filter
def hours(seconds: object) -> str:
    """Seconds as hours and minutes: 5400 → "1:30"."""
    if seconds is None:
        return ""
    minutes = int(seconds) // 60  # type: ignore[call-overload]
    return f"{minutes // 60}:{minutes % 60:02d}"


@register.filter
def segments(parts: Iterable[Any]) -> list[tuple[str, str, str]]:
    """A split bar's pieces as (class, x, width) in per cent of the bar, for SVG rects:
    the bars are drawn without inline styles, which the Content-Security-Policy forbids.
    `parts` are (class, per cent) pairs, or objects with `key` and `per_hundred`."""
    pieces = []
    x = 0.0
    for part in parts:
        key, share = part if isinstance(part, tuple) else (part.key, part.per_hundred)
        width = max(0.0, float(share))
        pieces.append((str(key), f"{x:.2f}", f"{width:.2f}"))
        x += width
    return pieces


@register.filter
def after_colon(text: str) -> str:
    """What follows a stored memo's "Task 12: " prefix: the part in the client's words
    (the prefix is said again in the reader's language by the template)."""
    _head, sep, tail = str(text).partition(": ")
    return tail if sep else ""


@register.filter
def to_json(value: object) -> str:
    """JSON for a data-* attribute (autoescaping makes it safe there): data for the page's
    scripts without a <script> element, which the Content-Security-Policy would want a
    nonce on."""
    return json.dumps(value, ensure_ascii=False)
