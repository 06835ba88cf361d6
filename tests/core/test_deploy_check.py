"""Production settings: `check --deploy` is clean, and bad environments stop the start.

Settings are read once at import, so each case runs manage.py in its own process with
an environment built from scratch.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Only these pass from the test process to manage.py: tests/settings.py and the browser
# tests' conftest put settings variables (DEBUG, SECRET_KEY, DJANGO_ALLOW_ASYNC_UNSAFE
# ...) into this process's environment, and none of them may leak into production's.
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {name: os.environ[name] for name in _PASSED_THROUGH if name in os.environ}
    environment.update(variables)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def _production(**overrides: str) -> dict[str, str]:
    variables = {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "coop.example.org",
        "DJANGO_SETTINGS_MODULE": "commonwork.settings",
    }
    variables.update(overrides)
    return variables


def test_the_deploy_check_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **_production())

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(64) + "\n")
    variables = _production(SECRET_KEY_FILE=str(key_file))
    del variables["SECRET_KEY"]

    result = _manage("check", "--deploy", "--fail-level", "WARNING", **variables)

    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    variables = _production()
    del variables["SECRET_KEY"]

    result = _manage("check", **variables)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_debug_value_that_is_not_a_boolean_fails_loudly(value):
    result = _manage("check", **_production(DEBUG=value))

    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_a_short_secret_key_fails_the_deploy_check():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", **_production(SECRET_KEY="short")
    )

    assert result.returncode != 0
    assert "security.W009" in result.stderr
