"""Every page in both languages: the right `lang`, Chinese words under /zh-hans/, and a
catalogue with nothing left untranslated."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from commonwork.members.models import User
from commonwork.work.models import Task

CATALOGUE = (
    Path(__file__).resolve().parents[2] / "src/commonwork/locale/zh_Hans/LC_MESSAGES/django.po"
)
HAN = re.compile(r"[\u4e00-\u9fff]")

PAGES_BY_ROLE = {
    None: ["/", "/login/", "/join/", "/transparency/", "/results/", "/data/"],
    "bob": [
        "/work/",
        "/work/board/",
        "/account/",
        "/tasks/{task}/",
        "/money/",
        "/proposals/",
        "/my-data/",
        "/lab/",
    ],
    "dan": ["/client/", "/tasks/{task}/", "/account/", "/money/"],
    "alice": [
        "/steward/",
        "/work/",
        "/client/",
        "/tasks/{task}/",
        "/books/",
        "/money/",
        "/proposals/new/",
        "/proposals/new/?kind=election",
        "/proposals/new/?kind=bylaw_amendment",
    ],
    "erin": ["/application/", "/join/", "/my-data/"],
}


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(PAGES_BY_ROLE))
def test_every_page_renders_in_both_languages(
    request: Any, who: str | None, bob: User, dan: User, erin: User, open_task: Task
) -> None:
    client = Client()
    if who is not None:
        client.force_login(request.getfixturevalue(who))
    for path in PAGES_BY_ROLE[who]:
        path = path.format(task=open_task.pk)
        english = client.get(path)
        assert english.status_code == 200, path
        chinese = client.get(f"/zh-hans{path}")
        assert chinese.status_code == 200, path
        if b"<html" in english.content:
            assert b'<html lang="en">' in english.content, path
            assert b'<html lang="zh-hans">' in chinese.content, path
        # English pages carry no Chinese but the language switch's own name.
        assert not HAN.search(_visible_text(english.content.decode()).replace("中文", "")), path
        assert HAN.search(_visible_text(chinese.content.decode())), path


def _entries(po: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) pairs of a .po file, header excluded, plural forms joined."""
    pairs = []
    for block in po.split("\n\n"):
        if "msgid" not in block or block.lstrip().startswith("#~"):
            continue
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        current, fields = "", {"msgid": "", "msgstr": ""}
        for line in lines:
            key, _, rest = line.partition(" ")
            if key in ("msgid", "msgid_plural", "msgstr", "msgstr[0]", "msgctxt"):
                current = "msgstr" if key.startswith("msgstr") else key
                fields[current] = fields.get(current, "") + rest.strip().strip('"')
            elif line.startswith('"'):
                fields[current] = fields.get(current, "") + line.strip().strip('"')
        if fields["msgid"]:
            pairs.append((fields["msgid"], fields["msgstr"]))
    return pairs


def test_the_chinese_catalogue_translates_every_sentence() -> None:
    entries = _entries(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []


def test_the_committed_compiled_catalogue_matches_its_source(tmp_path: Path) -> None:
    """The .mo served is the .po compiled: nobody edited one and forgot the other."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "-o", str(fresh), str(CATALOGUE)], check=True)  # noqa: S603
    assert fresh.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes()


@pytest.mark.django_db
def test_a_refusal_with_details_is_translated_with_its_details(bob: User, open_task: Task) -> None:
    # Bob lacks no skill here, so make the task need one he has not listed.
    Task.objects.filter(pk=open_task.pk).update(skills=["van"])
    client = Client()
    client.force_login(bob)
    english = client.post(f"/tasks/{open_task.pk}/take/")
    chinese = client.post(f"/zh-hans/tasks/{open_task.pk}/take/")
    assert "This task needs skills you have not listed: van." in english.content.decode()
    assert "这个任务需要你尚未列出的技能：van。" in chinese.content.decode()
