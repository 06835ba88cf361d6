"""Fill the zh_Hans catalogue from a Python file of {msgid: msgstr} dicts (ZH, PLURALS).

    .venv/bin/python scripts/fill-translations.py translations.py

Used after `make messages` when new strings appear: it sets only the entries named,
clears their fuzzy flag, and reports the entries still untranslated.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import polib

CATALOGUE = (
    Path(__file__).resolve().parents[1] / "src/commonwork/locale/zh_Hans/LC_MESSAGES/django.po"
)


def main(source: str) -> int:
    data = runpy.run_path(source)
    singular: dict[str, str] = data.get("ZH", {})
    plural: dict[str, str] = data.get("PLURALS", {})
    catalogue = polib.pofile(str(CATALOGUE))
    for entry in catalogue:
        if entry.msgid_plural and entry.msgid in plural:
            entry.msgstr_plural = {0: plural[entry.msgid]}
        elif entry.msgid in singular:
            entry.msgstr = singular[entry.msgid]
        else:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # What msgmerge remembered of an older msgid means nothing once translated (and a
        # stray plural one makes msgfmt refuse the whole catalogue).
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
    catalogue.save()
    missing = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
