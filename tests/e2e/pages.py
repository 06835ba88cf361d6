"""Every page a person reads, by who reads it, found in the demo co-op: the inventory the
browser checks walk (no sideways scrolling at 360 px; no English left on a Chinese page).

`PAGE_NAMES` and `NOT_PAGES` together name every route of the site; a test
(tests/pages/test_route_inventory.py) fails when a new route is in neither, so a new page
cannot escape the checks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from commonwork.commons.models import Release
from commonwork.dispatch.models import DispatchRound
from commonwork.governance.models import Proposal
from commonwork.ledger.models import Invoice, Statement
from commonwork.members.models import User
from commonwork.platformdata.models import Upload
from commonwork.policylab.models import LabRun
from commonwork.protection.models import Claim
from commonwork.work.models import Task

# Pages: a GET answers with a page for a person to read.
PAGE_NAMES = frozenset(
    {
        "landing",
        "login",
        "join",
        "application_status",
        "account",
        "steward_console",
        "money_home",
        "statement",
        "invoice",
        "books",
        "transparency",
        "worker_home",
        "board",
        "work_preferences",
        "task_detail",
        "client_home",
        "dispatch_rounds",
        "dispatch_why",
        "proposals",
        "proposal_new",
        "proposal_detail",
        "results",
        "data_inventory",
        "my_data",
        "my_exports",
        "protection_home",
        "claim_detail",
        "fairwork",
        "commons",
        "commons_ledger",
        "commons_release",
        "observatory",
        "my_figures",
        "cost_tables",
        "platform_import_start",
        "platform_import_help",
        "platform_import",
        "federation_peers",
        "federation_observatory",
        "lab",
        "lab_run",
        "lab_report",
    }
)
# Not pages: forms' targets (POST only), files, JSON for the pages' scripts, redirects.
NOT_PAGES = frozenset(
    {
        "service_worker",
        "manifest",
        "logout",
        "home",
        "update_skills",
        "create_token",
        "revoke_token",
        "decide_application",
        "change_membership_status",
        "payout_account",
        "statement_csv",
        "tip_task",
        "close_period",
        "coop_bank_account",
        "prepare_batch",
        "mark_batch_paid",
        "cancel_batch",
        "batch_file",
        "availability",
        "share_location",
        "offers_fragment",
        "push_subscription",
        "respond_to_offer",
        "places_search",
        "places_reverse",
        "task_live",
        "task_dispute",
        "task_cancel",
        "task_deliver",
        "task_step",
        "proof_photo",
        "task_transition",
        "resolve_dispute",
        "create_project",
        "post_task",
        "proposal_vote",
        "proposal_comment",
        "proposal_publish",
        "proposal_appeal",
        "candidate_statement",
        "outcome_statement",
        "mark_notices_read",
        "delegate_votes",
        "revoke_delegation",
        "grant_consent",
        "revoke_consent",
        "request_export",
        "erase_my_data",
        "download_export",
        "file_claim",
        "decide_claim",
        "appeal_claim",
        "claim_upload",
        "claim_document",
        "report_incident",
        "sos",
        "emergency_contact",
        "equity_declare",
        "equity_publish",
        "commons_share",
        "commons_publish",
        "commons_release_csv",
        "commons_release_package",
        "commons_release_record",
        "fairwork_assess",
        "cost_tables_wage",
        "platform_import_json",
        "platform_import_erase",
        "platform_import_donate",
        "cost_tables_vehicle",
        "lab_start",
        "simulate_proposal",
        "sweep_proposal",
        "set_language",
        "federation_link",
        "federation_decide",
        "federation_end",
        "federation_offer",
        "federation_take_on",
        "federation_bank",
        "webfinger",
        "nodeinfo_links",
        "nodeinfo",
        "federation_actor",
        "federation_inbox",
        "federation_outbox",
        "healthz",
        "metrics",
    }
)

PUBLIC = [
    "landing",
    "login",
    "join",
    "transparency",
    "results",
    "data_inventory",
    "fairwork",
    "commons",
    "commons_ledger",
    "observatory",
    "cost_tables",
    "platform_import_start",
    "platform_import_help",
    "federation_observatory",
]
EVERY_MEMBER = [
    "account",
    "money_home",
    "my_data",
    "my_exports",
    "protection_home",
    "proposals",
    "proposal_new",
    "lab",
]


def _tasks(**filters: object) -> list[str]:
    return [reverse("task_detail", args=[t.pk]) for t in Task.objects.filter(**filters)[:1]]


def demo_pages() -> dict[str | None, list[str]]:
    """Each demo log-in (None: nobody logged in) with the paths they read."""
    user = {u.username: u for u in User.objects.filter(username__in=["alice", "bob", "dan"])}
    proposals = [reverse("proposal_detail", args=[p.pk]) for p in Proposal.objects.all()]
    kinds = [
        f"{reverse('proposal_new')}?kind={kind}"
        for kind in (
            "parameter_change",
            "election",
            "free_decision",
            "bylaw_amendment",
            "surplus_allocation",
        )
    ]
    run = LabRun.objects.order_by("-pk").first()
    lab = [reverse("lab_run", args=[run.pk]), reverse("lab_report", args=[run.pk])] if run else []

    def statements(name: str) -> list[str]:
        found = Statement.objects.filter(member=user[name]).order_by("-pk")[:1]
        return [reverse("statement", args=[s.pk]) for s in found]

    invoices = [
        reverse("invoice", args=[i.pk])
        for i in Invoice.objects.filter(client=user["dan"]).order_by("-pk")[:1]
    ]
    claims = [reverse("claim_detail", args=[c.pk]) for c in Claim.objects.all()]
    member = [reverse(name) for name in EVERY_MEMBER]
    releases = [reverse("commons_release", args=[r.pk]) for r in Release.objects.all()[:2]]
    return {
        None: [*(reverse(name) for name in PUBLIC), *releases],
        "alice": [
            *member,
            reverse("steward_console"),
            reverse("federation_peers"),
            reverse("cost_tables"),
            reverse("books"),
            *kinds,
            *proposals,
            *claims,
            *statements("alice"),
            reverse("dispatch_rounds"),
            *lab,
            *_tasks(status="disputed"),
        ],
        "bob": [
            *member,
            reverse("worker_home"),
            reverse("board"),
            reverse("dispatch_why"),
            reverse("work_preferences"),
            reverse("my_figures"),
            *[
                reverse("platform_import", args=[u.pk])
                for u in Upload.objects.filter(member=user["bob"])
            ],
            *statements("bob"),
            *_tasks(worker=user["bob"], status="accepted"),
            *_tasks(worker=user["bob"], status="completed"),
            *[
                reverse("claim_detail", args=[c.pk])
                for c in Claim.objects.filter(member=user["bob"])
            ],
        ],
        "carol": [reverse("worker_home"), *_tasks(status="offered")],
        "dan": [
            *member,
            reverse("client_home"),
            *invoices,
            *_tasks(status="delivered"),
            *_tasks(status="open"),
            *_tasks(status="cancelled"),
        ],
        "erin": [reverse("application_status"), reverse("account"), reverse("my_data")],
    }


def rounds_exist() -> bool:
    return DispatchRound.objects.exists()


def log_in_as_demo(page: Any, base: str, username: str, prefix: str = "") -> None:
    """Log a demo member in through the log-in page (the demo's published password)."""
    from commonwork.site.demo import DEMO_PASSWORD

    page.goto(f"{base}{prefix}/login/")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_load_state("networkidle")
