"""Bring your data on the platform: a visitor's files are read and nothing is stored; a
member's import is read in the background, kept as figures (the files deleted once read),
downloaded as JSON, exported with their data, and erased; the command line writes the
same figures for many files."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from commonwork.core.models import AuditEntry
from commonwork.observatory.actions import load_cost_tables
from commonwork.platformdata.models import Upload, UploadStatus
from commonwork.platformdata.readers import __file__ as readers_file
from commonwork.vault import providers
from commonwork.vault.models import AccessLogEntry

pytestmark = pytest.mark.django_db
SAMPLES = Path(readers_file).parent / "samples"


def _files() -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted((SAMPLES / "uber-sar").iterdir())
    ]


def test_a_visitor_reads_their_files_and_nothing_is_stored(alice: Any, tariff: Any) -> None:
    page = Client().post("/import/", {"uploaded": _files()})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="overall"' in html
    assert 'data-testid="weeks"' in html
    assert "What this work would have paid here" in html
    assert not Upload.objects.exists()
    chinese = Client().post("/zh-hans/import/", {"uploaded": _files()}).content.decode()
    assert "平台拿走" in chinese


def test_a_member_imports_downloads_exports_and_erases(bob: Any, tariff: Any) -> None:
    # The cost tables as shipped (a transactional test elsewhere may have flushed them).
    load_cost_tables()
    member = Client()
    member.force_login(bob)
    answer = member.post(
        "/import/", {"uploaded": _files(), "fixed_hours": "", "vehicle": "car", "country": "de"}
    )
    upload = Upload.objects.get(member=bob)
    assert (upload.country, upload.vehicle) == ("DE", "car")
    assert answer["Location"] == f"/import/{upload.pk}/"
    assert upload.status == UploadStatus.READ
    assert upload.sealed_files is None  # deleted once read (the governed default)
    assert upload.report is not None
    assert upload.report["overall"]["trips"] == 30
    assert upload.report["rejected_rows"] == []
    page = member.get(f"/import/{upload.pk}/").content.decode()
    assert 'data-testid="download-figures"' in page
    assert 'data-testid="pay-chart"' in page
    figures = json.loads(member.get(f"/import/{upload.pk}/figures.json").content)
    assert figures["overall"]["penalties"] == 2
    # The car's cost per km from the cost table (Germany, 2026: 30 cents) is counted.
    overall = figures["overall"]
    assert overall["vehicle_costs_minor"] == round(overall["distance_km"] * 30)
    assert AccessLogEntry.objects.filter(subject=bob, purpose="platform_import").exists()
    rows = {p.category: p.rows(bob.pk) for p in providers.providers()}
    assert rows["platform_imports"][0]["files"] == upload.file_names
    assert Client().get(f"/import/{upload.pk}/").status_code == 302  # members only
    member.post(f"/import/{upload.pk}/erase/")
    assert not Upload.objects.exists()
    assert AuditEntry.objects.filter(action="platformdata.erased").count() == 1


def test_bad_files_get_row_level_reports_and_unknown_files_a_clear_message(
    bob: Any, tariff: Any
) -> None:
    member = Client()
    member.force_login(bob)
    bad = SimpleUploadedFile("notes.csv", b"colour,size\nred,3\n")
    good = SimpleUploadedFile("manual-template.csv", (SAMPLES / "manual-template.csv").read_bytes())
    member.post("/import/", {"uploaded": [bad, good]})
    report = Upload.objects.get().report
    assert report is not None
    reasons = {(r["file"], r["line"]): r["reason"] for r in report["rejected_rows"]}
    assert reasons[("manual-template.csv", 4)] == "ends before it starts"
    assert "no known format" in reasons[("notes.csv", 0)]
    assert member.post("/import/", {}).status_code == 400  # no file: the form says so
    # Each reason in the page's language, the cell it quotes as written.
    chinese = member.get(f"/zh-hans/import/{Upload.objects.get().pk}/").content.decode()
    assert "结束早于开始" in chinese
    assert "没有已知格式包含这些列：<code>colour, size</code>" in chinese
    bad_time = SimpleUploadedFile(
        "d.csv", (SAMPLES / "driver_lifetime_trips-0.csv").read_bytes(), content_type="text/csv"
    )
    visitor = Client().post("/zh-hans/import/", {"uploaded": [bad_time]}).content.decode()
    assert "不是时间：<code>&#x27;not a time&#x27;</code>" in visitor


def test_the_command_line_writes_the_figures_of_a_folder(tmp_path: Path, tariff: Any) -> None:
    out = tmp_path / "figures.json"
    printed = StringIO()
    call_command(
        "import_platform_data",
        str(SAMPLES / "uber-sar"),
        str(SAMPLES / "upwork-transactions.csv"),
        "--country",
        "DE",
        "--json",
        str(out),
        stdout=printed,
    )
    data = json.loads(out.read_text())
    assert set(data["formats"].values()) == {
        "uber_trips",
        "uber_payments",
        "uber_online",
        "uber_restrictions",
        "upwork",
    }
    assert data["weeks"][0]["period"].startswith("2026-W")
    assert "logged_in_hours" in data["definitions"]
    assert any(r["file"] == "upwork-transactions.csv" for r in data["rejected_rows"])
    assert "rejected" in printed.getvalue()


def test_a_donation_reaches_the_commons_only_as_its_noisy_release(
    alice: Any, bob: Any, tariff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    from commonwork.commons import actions as commons
    from commonwork.commons import units

    member = Client()
    member.force_login(bob)
    member.post("/import/", {"uploaded": _files()})
    upload = Upload.objects.get()
    assert 'data-testid="start-donating"' in member.get(f"/import/{upload.pk}/").content.decode()
    member.post(f"/import/{upload.pk}/donate/", {"donate": "yes"})
    assert 'data-testid="stop-donating"' in member.get(f"/import/{upload.pk}/").content.decode()
    read: list[Any] = []
    source = units.SOURCES["commons_imports"]

    def spy(ids: list[int], since: Any, weeks: int) -> Any:
        found = source(ids, since, weeks)
        read.append(found)
        return found

    monkeypatch.setitem(units.SOURCES, "commons_imports", spy)
    release = commons.publish(
        actor=alice, statistic="elsewhere", start=dt.date(2026, 3, 2), weeks=2, epsilon=0.2
    )
    (donated,) = read[-1]
    assert donated.elsewhere_customers_paid_minor == 44_169  # the sample's truth
    assert donated.elsewhere_logged_in_minutes > 0
    assert {f["measure"] for f in release.figures} == {"take_share", "pay_per_logged_in_hour"}
    logged = AccessLogEntry.objects.filter(subject=bob, purpose="commons_imports")
    assert {e.category for e in logged} == {"platform_imports"}
    member.post(f"/import/{upload.pk}/donate/", {"donate": "no"})
    commons.publish(
        actor=alice, statistic="elsewhere", start=dt.date(2026, 3, 16), weeks=1, epsilon=0.1
    )
    assert read[-1] == []  # revoked: no later release counts bob


def test_files_kept_by_the_retention_go_when_it_ends(alice: Any, bob: Any, tariff: Any) -> None:
    import datetime as dt

    from commonwork.core import clock
    from commonwork.governance.actions.parameters import set_parameter
    from commonwork.platformdata.personal_data import ImportsProvider

    set_parameter(actor=alice, name="platform_import_retention_days", value="3", reason="Test.")
    member = Client()
    member.force_login(bob)
    member.post("/import/", {"uploaded": _files()})
    upload = Upload.objects.get()
    assert upload.sealed_files is not None  # kept, sealed, for the three days
    assert ImportsProvider().expire(clock.now() + dt.timedelta(days=2)) == 0
    assert ImportsProvider().expire(clock.now() + dt.timedelta(days=4)) == 1
    upload.refresh_from_db()
    assert upload.sealed_files is None
    assert upload.report is not None  # the figures stay until the member erases them
