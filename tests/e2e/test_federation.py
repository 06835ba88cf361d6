"""Two co-ops side by side, as `make run-federation` starts them (each with its own
database, key, scheduler and worker, on loopback ports), linked; in a browser, a task of
the first overflows to the second, is done there by a worker of the second and accepted
by the client at the first; both books balance and agree on the amount."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import log_in_as_demo

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _books(var: Path, port: int) -> dict[str, Any]:
    """The co-op's balances with its linked co-op's account, and its books' problems."""
    script = (
        "import json\n"
        "from commonwork.federation.models import Peer\n"
        "from commonwork.ledger.books import account_balances, check_books\n"
        "from commonwork.ledger.models import Account\n"
        "b = account_balances(); peer = Peer.objects.get()\n"
        "print(json.dumps({'peer': {a.purpose: b[a.name] for a in "
        "Account.objects.filter(owner=peer.account)}, 'problems': check_books().problems}))\n"
    )
    env = {
        **os.environ,
        "DEBUG": "1",
        "COMMONWORK_VAR_DIR": str(var),
        "COMMONWORK_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.fixture
def two_coops(tmp_path: Path) -> Any:
    a_port, b_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "PY": sys.executable,
        "A_PORT": str(a_port),
        "B_PORT": str(b_port),
        "VAR": str(tmp_path / "var"),
        "DEMO_HISTORY": "0",  # the demos' past weeks take most of the start; not needed here
    }
    env.pop("DATABASE_URL", None)  # each co-op its own SQLite database
    proc = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "run-federation.sh")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 600
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line)
        if line.startswith("Linked."):
            break
    try:
        assert any(line.startswith("Linked.") for line in lines), "".join(lines)
        yield (
            f"http://127.0.0.1:{a_port}",
            f"http://127.0.0.1:{b_port}",
            tmp_path / "var",
            (a_port, b_port),
        )
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _until(page: Any, url: str, test_id: str, seconds: float = 60) -> Any:
    """Reload `url` until an element shows (activities travel with the next delivery run)."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(url)
        found = page.locator(f"[data-testid^='{test_id}']")
        if found.count() or time.monotonic() > deadline:
            return found.first
        page.wait_for_timeout(2_000)


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the two co-ops run on their own SQLite databases: the SQLite pass runs it",
)
def test_an_overflow_task_flows_between_two_coops_in_a_browser(
    browser: Any, two_coops: Any, artifacts: Path
) -> None:
    a, b, var, (a_port, b_port) = two_coops
    at_a = browser.new_context(locale="en-GB").new_page()  # a context per co-op: cookies
    at_b = browser.new_context(locale="en-GB").new_page()  # are per host, not per port
    # The first co-op's stewards offer an open task nobody there has taken.
    log_in_as_demo(at_a, a, "alice")
    at_a.goto(f"{a}/federation/")
    expect(at_a.get_by_test_id("peers")).to_contain_text("Hillside Riders")
    offer = at_a.locator("[data-testid^='offer-task-']").first
    task_id = int(offer.get_attribute("data-testid").rsplit("-", 1)[1])
    offer.click()
    expect(at_a.get_by_test_id("overflows")).to_contain_text("offered to linked co-ops")
    # The second co-op's stewards take it on.
    log_in_as_demo(at_b, b, "alice")
    take = _until(at_b, f"{b}/federation/", "take-on")
    take.click()
    at_b.screenshot(path=str(artifacts / "federation-take-on.png"), full_page=True)
    # It is theirs: handed over at the agreed price, posted on their board.
    link = _until(at_b, f"{b}/federation/", "mirror-task")
    b_task = int(re.sub(r"\D", "", link.get_attribute("href").rstrip("/").rsplit("/", 1)[1]))
    at_a.goto(f"{a}/federation/")
    expect(at_a.get_by_test_id("overflows")).to_contain_text("Hillside Riders")
    # The client at the first co-op knows the recipient's code.
    client = browser.new_context(locale="en-GB").new_page()
    log_in_as_demo(client, a, "dan")
    client.goto(f"{a}/tasks/{task_id}/")
    expect(client.get_by_test_id("worker-name")).to_contain_text("Hillside Riders")
    code = client.get_by_test_id("recipient-code").inner_text().strip()
    # A worker of the second co-op does it, by its rules.
    worker = browser.new_context(locale="en-GB").new_page()
    log_in_as_demo(worker, b, "carol")
    worker.goto(f"{b}/tasks/{b_task}/")
    if worker.get_by_test_id("task-take").count():
        worker.get_by_test_id("task-take").click()
    else:  # their dispatch offered it to her first
        _until(worker, f"{b}/work/", "accept-offer-").click()
        worker.goto(f"{b}/tasks/{b_task}/")
    for button in ("task-start", "step-arrived", "step-picked_up"):
        worker.get_by_test_id(button).click()
        worker.wait_for_load_state("networkidle")
    worker.locator("input[name=code]").fill(code)
    worker.get_by_test_id("task-deliver").click()
    expect(worker.get_by_test_id("task-status")).to_have_attribute("data-status", "delivered")
    # Delivered there shows here; the client accepts it here.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        client.goto(f"{a}/tasks/{task_id}/")
        if client.get_by_test_id("task-complete").count():
            break
        client.wait_for_timeout(2_000)
    client.screenshot(path=str(artifacts / "federation-delivered-at-a.png"), full_page=True)
    client.get_by_test_id("task-complete").click()
    expect(client.get_by_test_id("task-status")).to_have_attribute("data-status", "completed")
    # ...and completes there too. Both books balance, and agree on what is owed.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        worker.goto(f"{b}/tasks/{b_task}/")
        if worker.get_by_test_id("task-status").get_attribute("data-status") == "completed":
            break
        worker.wait_for_timeout(2_000)
    expect(worker.get_by_test_id("task-status")).to_have_attribute("data-status", "completed")
    first, second = _books(var, a_port), _books(var / "peer", b_port)
    assert first["problems"] == second["problems"] == []
    assert first["peer"]["payable"] < 0
    assert second["peer"]["receivable"] == -first["peer"]["payable"]
