"""Production settings: `check --deploy` is clean, and bad environments stop the start.

Settings are read once at import, so each case runs manage.py in its own process with
an environment built from scratch (the test process's own settings variables, which
tests/settings.py sets, are left out).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Settings read from the environment; none of the test process's values leak through.
_SETTINGS_VARIABLES = {
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "EMAIL_BACKEND",
    "OFFER_TTL_SECONDS",
    "TIME_ZONE",
    "LOG_LEVEL",
}


def _manage(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in _SETTINGS_VARIABLES and not name.startswith("SECURE_")
    }
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
