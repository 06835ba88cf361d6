"""Settings helpers fail loudly; money never loses a minor unit."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st

from commonwork.core.env import database_from_url, envbool, envint, envlist
from commonwork.core.money import format_minor, to_minor


def test_envbool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False


def test_envbool_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG", False)


def test_envint_refuses_nonsense(monkeypatch):
    monkeypatch.setenv("COUNT", "12x")
    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        envint("COUNT", 1)


def test_a_file_variant_supplies_secrets(monkeypatch, tmp_path: Path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n", encoding="utf-8")
    monkeypatch.setenv("THING_FILE", str(secret))
    monkeypatch.setenv("THING", "ignored")
    from commonwork.core.env import env

    assert env("THING") == "s3cr3t"


def test_an_unreadable_secret_file_fails_loudly(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("THING_FILE", str(tmp_path / "missing"))
    from commonwork.core.env import env

    with pytest.raises(ImproperlyConfigured, match="THING_FILE"):
        env("THING")


def test_envlist_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.org, b.org,,")
    assert envlist("HOSTS", []) == ["a.org", "b.org"]


def test_database_urls(tmp_path: Path):
    pg = database_from_url("postgres://cw:p%40ss@db.internal:5433/coop", base_dir=tmp_path)
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "cw",
        "p@ss",
        "db.internal",
        "5433",
        "coop",
    )
    relative = database_from_url("sqlite:///var/db.sqlite3", base_dir=tmp_path)
    assert relative["NAME"] == str(tmp_path / "var/db.sqlite3")
    absolute = database_from_url("sqlite:////srv/db.sqlite3", base_dir=tmp_path)
    assert absolute["NAME"] == "/srv/db.sqlite3"
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        database_from_url("mysql://x/y", base_dir=tmp_path)


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatting_and_parsing_round_trip(amount_minor):
    text = format_minor(amount_minor, "EUR")
    major = text.removesuffix(" EUR").replace(",", "")
    assert to_minor(Decimal(major), "EUR") == amount_minor


def test_currencies_without_minor_units():
    assert format_minor(1500, "JPY") == "1500 JPY"
    assert to_minor("1500", "JPY") == 1500
    assert to_minor("0.125", "EUR") == 12  # half to even


def test_major_units_are_exact_and_ungrouped() -> None:
    from commonwork.core.money import major_units

    assert major_units(123456789, "EUR") == "1234567.89"
    assert major_units(-5, "EUR") == "-0.05"
    assert major_units(-5, "JPY") == "-5"
    assert major_units(1234, "KWD") == "1.234"
