"""The registry's codes (data categories, kinds of reader) as words in the page's language."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from commonwork.vault.registry import CATEGORIES, JOB_LABELS, READER_LABELS

register = template.Library()


@register.filter
def category_label(key: str) -> str:
    category = CATEGORIES.get(key)
    return gettext(category.label) if category else key


@register.filter
def reader_label(kind: str) -> str:
    return gettext(READER_LABELS[kind]) if kind in READER_LABELS else kind


@register.filter
def job_label(job: str) -> str:
    return gettext(JOB_LABELS[job]) if job in JOB_LABELS else job
