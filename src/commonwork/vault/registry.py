"""What personal data the platform holds, why, and who may read it for what: plain data,
no Django, listed publicly at /data/ (DESIGN.md §5.7).

A *category* names a kind of personal data, the model fields that hold it, and why it is
collected. A *purpose* is a reason written into the bylaws for someone other than the
member to read some categories: which kind of reader, which categories, and when. The
access gate (vault.gate) allows a read only under a purpose here or a live consent grant,
and logs it to the member's access log.

There are no keystroke, attention, idle-screen or "productivity" metrics anywhere in the
platform; nothing here could hold them, and the public page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from commonwork.core.marks import N_

# Who is reading: the member themself, another member, a steward acting as one, a client
# (about a worker on their task), a background job, an API token of another member, or
# nobody logged in.
ActorKind = Literal["self", "member", "steward", "client", "job", "token", "anonymous", "peer"]
ACTOR_KINDS: tuple[ActorKind, ...] = (
    "self",
    "member",
    "steward",
    "client",
    "job",
    "token",
    "anonymous",
    "peer",
)


# How each kind of reader is named to the member whose data was read.
READER_LABELS: dict[str, str] = {
    "self": N_("you"),
    "member": N_("another member"),
    "steward": N_("a steward"),
    "client": N_("a client"),
    "job": N_("a background job"),
    "token": N_("an API token"),
    "anonymous": N_("someone not logged in"),
    "peer": N_("a linked co-op"),
}


# The background jobs that read members' data, as the access log names them to the member.
JOB_LABELS: dict[str, str] = {
    "dispatch": N_("dispatch"),
    "payroll": N_("payroll"),
    "retention": N_("retention"),
    "sos": N_("the SOS call"),
    "equity_report": N_("the equity report"),
    "push": N_("the offer push"),
    "commons": N_("the data commons"),
    "fairwork": N_("the Fairwork self-assessment"),
    "platform_import": N_("the import of your platform data"),
}


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    holds: tuple[str, ...]  # "app.Model.field" — where the data lives
    why: str


@dataclass(frozen=True)
class Purpose:
    key: str
    reader: ActorKind
    categories: frozenset[str]
    bylaw: str  # the sentence in the bylaws that allows it, shown publicly


CATEGORIES: dict[str, Category] = {
    c.key: c
    for c in (
        Category(
            "identity",
            N_("Identity and contact"),
            ("members.User.username", "members.User.display_name", "vault.SealedContact.email"),
            N_("To log you in, show your name to the people you work with, and write to you."),
        ),
        Category(
            "location",
            N_("Location traces"),
            ("work.LocationPing.sealed", "work.LocationPing.recorded_at"),
            N_(
                "To offer you work near you, only while you are available; kept "
                "location_retention_days."
            ),
        ),
        Category(
            "delivery_proofs",
            N_("Delivery proofs and push devices"),
            (
                "work.DeliveryProof.sealed_photo",
                "work.DeliveryProof.recorded_at",
                "work.PushSubscription.endpoint",
            ),
            N_(
                "To show a client their delivery arrived, kept proof_retention_days; and to "
                "ring your phone with offers, until you switch it off."
            ),
        ),
        Category(
            "availability",
            N_("Availability and hours"),
            ("work.AvailabilityPeriod.started_at", "work.AvailabilityPeriod.ended_at"),
            N_("To pay the floor for every engaged hour and to keep hour caps and rest."),
        ),
        Category(
            "tasks",
            N_("Task history"),
            ("work.Task.worker", "work.Task.status", "work.Offer.worker", "work.Offer.status"),
            N_("To run the work you take on and to show its history to you and your client."),
        ),
        Category(
            "earnings",
            N_("Earnings and statements"),
            ("ledger.Posting", "ledger.Statement", "ledger.PayoutAccount.iban"),
            N_("To pay you, keep the books the law requires, and share the surplus by labour."),
        ),
        Category(
            "disputes",
            N_("Disputes"),
            ("work.Dispute.reason", "work.Dispute.resolution_note"),
            N_("To settle a disagreement about a task fairly, with both sides heard."),
        ),
        Category(
            "consents",
            N_("Consents"),
            ("vault.ConsentGrant",),
            N_("To know what you have allowed others to read, and to stop it when you say so."),
        ),
        Category(
            "claims",
            N_("Claims, incidents and SOS calls"),
            (
                "protection.Claim.sealed_account",
                "protection.Claim.sealed_medical",
                "protection.ClaimDocument.sealed",
                "protection.Incident.sealed_place",
                "protection.Incident.sealed_account",
                "protection.SosCall.sealed_position",
                "protection.EmergencyContact.sealed_email",
            ),
            N_(
                "To pay the cover you claim, get you help on the road and tell the person you "
                "chose; kept claim_retention_days after a claim is settled."
            ),
        ),
        Category(
            "equity",
            N_("Groups you chose to declare"),
            ("observatory.EquityDeclaration.sealed",),
            N_(
                "Only if you declare them: to show, with differential privacy, whether "
                "dispatch treats every group fairly; withdraw them at any time."
            ),
        ),
        Category(
            "platform_imports",
            N_("Data you imported from other platforms"),
            (
                "platformdata.Upload.sealed_files",
                "platformdata.Upload.file_names",
                "platformdata.Upload.report",
            ),
            N_(
                "Only if you import it: to show your true pay per hour and the platform's "
                "take; the files are deleted once read (platform_import_retention_days), the "
                "figures when you erase them."
            ),
        ),
        Category(
            "logins",
            N_("Log-ins and devices"),
            ("members.User.last_login", "members.ApiToken.name", "members.ApiToken.last_used_at"),
            N_("To keep your account safe and show you where it is used."),
        ),
    )
}

PURPOSES: dict[str, Purpose] = {
    p.key: p
    for p in (
        Purpose(
            "dispatch",
            "job",
            frozenset({"location", "availability", "tasks", "earnings"}),
            N_(
                "Dispatch reads a worker's current location, hours and this week's pay while "
                "they are available, to offer them work fairly."
            ),
        ),
        Purpose(
            "payroll",
            "job",
            frozenset({"availability", "tasks", "earnings"}),
            N_("Payroll reads hours, tasks and earnings to close a pay period and pay the floor."),
        ),
        Purpose(
            "retention",
            "job",
            frozenset({"location"}),
            N_("The retention job deletes location points older than location_retention_days."),
        ),
        Purpose(
            "payout",
            "steward",
            frozenset({"identity", "earnings"}),
            N_("Stewards read names, bank details and amounts owed to prepare a payout."),
        ),
        Purpose(
            "admission",
            "steward",
            frozenset({"identity"}),
            N_(
                "Stewards read an applicant's name, reasons and skills to decide their application."
            ),
        ),
        Purpose(
            "membership",
            "steward",
            frozenset({"identity"}),
            N_("Stewards read members' names, roles and status to keep the membership roll."),
        ),
        Purpose(
            "dispute",
            "steward",
            frozenset({"identity", "tasks", "disputes", "delivery_proofs"}),
            N_(
                "Stewards read a disputed task's history, its proof of delivery and both "
                "sides' words to settle it."
            ),
        ),
        Purpose(
            "claim_decision",
            "steward",
            frozenset({"identity", "claims", "earnings", "availability"}),
            N_(
                "Stewards read a claim with its documents and medical details, and the "
                "claimant's hours and pay, to decide it; no other member reads the medical part."
            ),
        ),
        Purpose(
            "sos",
            "job",
            frozenset({"identity", "location", "claims"}),
            N_(
                "When a worker presses SOS, their name and position are sent once to the "
                "stewards and to the contact they chose."
            ),
        ),
        Purpose(
            "equity_report",
            "job",
            frozenset({"equity", "availability", "tasks", "earnings"}),
            N_(
                "The equity report reads the groups members chose to declare, with their "
                "hours, offers and pay, and publishes only noisy group totals."
            ),
        ),
        Purpose(
            "fairwork",
            "job",
            frozenset({"availability", "tasks", "earnings"}),
            N_(
                "Each night the Fairwork self-assessment reads members' engaged hours, "
                "tasks and pay to judge whether nine in ten worker-weeks reached the minimum "
                "and the living wage after costs; it publishes only met or not met."
            ),
        ),
        Purpose(
            "platform_import",
            "job",
            frozenset({"platform_imports"}),
            N_(
                "When a member imports files from another platform, a background job reads "
                "them once to work out their figures, for that member alone."
            ),
        ),
        Purpose(
            "offer_push",
            "job",
            frozenset({"delivery_proofs"}),
            N_(
                "To ring a worker's phone with an offer, the push job reads the address their "
                "browser gave for it; nothing else, and only where the worker switched it on."
            ),
        ),
        Purpose(
            "active_task",
            "client",
            frozenset({"identity", "location", "delivery_proofs"}),
            N_(
                "A client sees the display name of the worker on their task, the worker's "
                "location only while a located task of theirs is in progress (never history), "
                "and the photo proving their delivery until they accept it."
            ),
        ),
    )
}


@dataclass(frozen=True)
class ConsentPurpose:
    """A purpose of the co-op's that a member may consent to (none is in the bylaws): the
    job that serves it reads these categories of a member's data only while their
    consent lives."""

    key: str
    job: str
    categories: frozenset[str]
    label: str
    what_it_reads: str
    what_is_published: str
    what_cannot_be_learned: str


CONSENT_PURPOSES: dict[str, ConsentPurpose] = {
    p.key: p
    for p in (
        ConsentPurpose(
            "commons",
            "commons",
            frozenset({"availability", "tasks", "earnings", "disputes"}),
            N_("the data commons"),
            N_(
                "Your engaged and on-task hours, your pay, the zones of your tasks, when "
                "your pay reached you, and the disputes on your tasks, week by week."
            ),
            N_(
                "Only statistics over many members — averages, shares and counts — each "
                "with random noise added by differential privacy, published openly for "
                "workers, cities and researchers."
            ),
            N_(
                "Whether you are in a release at all, or anything about you alone: the "
                "noise is large enough to hide any one member's week, and the co-op stops "
                "publishing when the members' privacy budget for the quarter is spent."
            ),
        ),
        ConsentPurpose(
            "commons_imports",
            "commons",
            frozenset({"platform_imports"}),
            N_("the data commons, with what you imported from other platforms"),
            N_(
                "The figures of your imports from other platforms, week by week: what "
                "customers paid, what the platform kept, your pay after costs and your "
                "logged-in hours. Never the files, never a trip."
            ),
            N_(
                "Only averages over every member who donates — the share the platforms "
                "keep and pay per logged-in hour there — each with noise added by "
                "differential privacy, charged to the same privacy budget."
            ),
            N_(
                "Whether you donated at all, or anything about you alone; stop donating "
                "whenever you like and no later release counts you."
            ),
        ),
    )
}


class UnknownCategoryError(ValueError):
    pass


def category(key: str) -> Category:
    try:
        return CATEGORIES[key]
    except KeyError as exc:
        raise UnknownCategoryError(key) from exc


def purpose_covers(purpose_key: str, reader: ActorKind, category_key: str) -> bool:
    """Whether a bylaw purpose lets this kind of reader read this category (the gate
    checks any further condition, such as a client's task being in progress)."""
    purpose = PURPOSES.get(purpose_key)
    return purpose is not None and purpose.reader == reader and category_key in purpose.categories
