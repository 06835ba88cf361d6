"""Every route of the site is either a page the browser checks walk (tests/e2e/pages.py)
or named as not a page; a new route in neither fails here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from tests.e2e.pages import NOT_PAGES, PAGE_NAMES


def _names(resolver: URLResolver) -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("api/"):
                continue  # the JSON API: its own schema tests
            names |= _names(pattern)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_every_route_is_a_checked_page_or_named_as_not_one() -> None:
    routes = _names(get_resolver())
    assert routes - PAGE_NAMES - NOT_PAGES == set()
    assert set() == PAGE_NAMES & NOT_PAGES
    assert (PAGE_NAMES | NOT_PAGES) - routes == set()  # no stale names
