"""Issue 14, point 19: a nonce-based Content-Security-Policy on every page, and pages
that need nothing it forbids: no inline style, no inline script without the nonce, no
eval for htmx, nothing from another site. (The browser tests also fail on any refusal
the browser reports.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

PAGES = [
    ("", "/"),
    ("", "/login/"),
    ("", "/data/"),
    ("", "/results/"),
    ("", "/transparency/"),
    ("bob", "/work/"),
    ("bob", "/work/board/"),
    ("bob", "/money/"),
    ("bob", "/my-data/"),
    ("bob", "/proposals/"),
    ("bob", "/account/"),
    ("dan", "/client/"),
    ("alice", "/steward/"),
    ("alice", "/books/"),
    ("alice", "/lab/"),
]


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[p[1] for p in PAGES])
def test_every_page_has_a_strict_policy_and_keeps_to_it(
    who: str, path: str, alice: Any, bob: Any, dan: Any, open_task: Any
) -> None:
    client = Client()
    if who:
        client.force_login({"alice": alice, "bob": bob, "dan": dan}[who])
    response = client.get(path)
    assert response.status_code == 200, path
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert " style=" not in html
    assert "<style" not in html
    scripts = re.findall(r"<script[^>]*>", html)
    if scripts:  # a whole page (a fragment for htmx carries none)
        nonce = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'", policy)
        assert nonce is not None
        for script in scripts:
            assert f'nonce="{nonce.group(1)}"' in script, script
        assert '"allowEval": false' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "nothing from another site"
