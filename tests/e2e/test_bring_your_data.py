"""Bring your data in a real browser: a member drops every supported format on the page,
watches the upload go, reads their figures and the co-op comparison in both languages,
downloads them and erases the import; a visitor's bad file gets its row-level report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from commonwork.platformdata.models import Upload
from commonwork.platformdata.readers import __file__ as readers_file
from tests.e2e.test_worker_and_client_journey import _log_in

pytestmark = pytest.mark.django_db(transaction=True)
SAMPLES = Path(readers_file).parent / "samples"
DROP = """(files) => {
  const transfer = new DataTransfer();
  for (const [name, text] of files) transfer.items.add(new File([text], name));
  const form = document.querySelector("form[data-upload]");
  const drop = {dataTransfer: transfer, bubbles: true, cancelable: true};
  form.dispatchEvent(new DragEvent("drop", drop));
}"""


def test_a_member_drops_every_format_and_reads_the_figures(
    live_server: Any, page: Any, bob: Any, tariff: Any
) -> None:
    base = live_server.url
    _log_in(page, base, "bob")
    page.goto(f"{base}/import/")
    files = [
        (p.name, p.read_text())
        for p in sorted(SAMPLES.rglob("*"))
        if p.is_file() and p.suffix in {".csv", ".json"}
    ]
    page.evaluate(DROP, files)
    page.get_by_test_id("import-submit").click()
    page.wait_for_url(f"{base}/import/*/")
    expect(page.get_by_test_id("overall")).to_be_visible()
    expect(page.get_by_test_id("take")).to_contain_text("%")
    expect(page.get_by_test_id("coop-pay")).to_contain_text("EUR")
    expect(page.get_by_test_id("rejected")).to_contain_text("ends before it starts")
    upload = Upload.objects.get(member=bob)
    assert len(upload.file_names) == len(files)
    assert upload.report is not None
    assert set(upload.report["formats"].values()) == {
        "uber_trips",
        "uber_payments",
        "uber_online",
        "uber_restrictions",
        "upwork",
        "argyle_json",
        "manual",
    }
    with page.expect_download() as download:
        page.get_by_test_id("download-figures").click()
    assert download.value.suggested_filename.endswith(".json")
    page.get_by_test_id("language-switch-zh-hans").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_have_text("你的平台工作数字")
    page.get_by_test_id("erase-import").click()
    expect(page.locator("h1")).to_have_text("带来你的数据")
    assert not Upload.objects.exists()


def test_a_visitors_bad_file_gets_a_clear_report_and_nothing_is_kept(
    live_server: Any, page: Any, alice: Any
) -> None:
    page.goto(f"{live_server.url}/import/")
    page.get_by_test_id("import-files").set_input_files(
        files=[{"name": "notes.csv", "mimeType": "text/csv", "buffer": b"colour,size\nred,3\n"}]
    )
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("rejected")).to_contain_text("no known format")
    assert not Upload.objects.exists()
