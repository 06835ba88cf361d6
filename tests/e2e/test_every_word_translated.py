"""Every word in the reader's language: the demo co-op loaded in Chinese, every page read
as each demo log-in in zh-Hans, and no run of three or more ASCII letters left on it
(what the reader sees, and the labels screen readers speak) except names that are not
words: brands, units, codes and the members' own log-in names."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import resolve

from commonwork.site.demo import load_demo
from tests.e2e.pages import PAGE_NAMES, demo_pages, log_in_as_demo

# What the pages show does not depend on the database: checked once, in the SQLite pass.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pages]

# Not words of a language: brands, units, standards and codes a Chinese page keeps.
ALLOWED = {
    "English",  # the language switch names each language in itself
    "Commonwork",
    "Fairwork",
    "OpenStreetMap",
    "Leaflet",
    "OpenDP",
    "Frictionless",
    "Uber",
    "Eats",
    "Upwork",
    "Lyft",
    "DoorDash",
    "Argyle",
    "EUR",
    "IBAN",
    "BIC",
    "SEPA",
    "CSV",
    "JSON",
    "API",
    "SHA",
    "PNG",
    "JPEG",
    "WebP",
    "ISO",
    "IEC",
    "GDPR",
    "CAP",
    "Mesa",
    "beancount",
    "Beancount",
    "pain",  # a SEPA payout file is ISO 20022 "pain.001"
    "ZIP",
}
ENGLISH = re.compile(r"[A-Za-z]{3,}")

# Code, and what the page marks as not to be translated (translate="no": addresses, place
# names, log-in names), is left out of the reading.
READ = """() => {
  const kept = document.querySelectorAll("code, kbd, samp, [translate=no]");
  const shown = [];
  kept.forEach(el => { shown.push(el.style.display); el.style.display = "none"; });
  const texts = [document.title, document.body.innerText];
  kept.forEach((el, i) => { el.style.display = shown[i]; });
  for (const el of document.querySelectorAll("[title], [aria-label], [placeholder], [alt]")) {
    if (el.closest("code, [translate=no]")) continue;
    for (const name of ["title", "aria-label", "placeholder", "alt"]) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  return texts.join("\\n");
}"""


def test_no_english_is_left_on_any_chinese_page(live_server: Any, browser: Any) -> None:
    load_demo("zh-hans")
    allowed = ALLOWED
    pages = demo_pages()
    visited = {resolve(path.split("?")[0]).url_name for paths in pages.values() for path in paths}
    assert visited == PAGE_NAMES, PAGE_NAMES ^ visited
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    found: dict[str, set[str]] = {}
    try:
        for user, paths in pages.items():
            context.clear_cookies()
            if user is not None:
                log_in_as_demo(page, live_server.url, user, "/zh-hans")
            for path in paths:
                page.goto(f"{live_server.url}/zh-hans{path}")
                words = set(ENGLISH.findall(page.evaluate(READ))) - allowed
                if words:
                    found[f"{user} {path}"] = words
    finally:
        context.close()
    assert found == {}, "\n".join(f"{where}: {sorted(words)}" for where, words in found.items())
