"""The access gate's rule, as a pure function: who may read which of a member's data for
what purpose, and on what basis. No Django and no app: `vault.gate` loads the facts in
bulk and logs what this allows.

A read is allowed when
- the reader is the member themself ("self");
- a purpose written into the bylaws covers this kind of reader and category
  (`registry.PURPOSES`), and for a client, the condition on their task holds: the worker's
  name while a task of theirs is in hand, the location only while a located task of
  theirs is in progress ("bylaws:<purpose>");
- or the member gave the reader a live consent that names the category
  ("consent:<record id>"); for a background job, a live consent to the job's purpose
  (the data commons).
Everything else is refused, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from commonwork.vault.registry import CATEGORIES, ActorKind, purpose_covers

SELF_BASIS = "self"
# Readers who can hold a consent: someone logged in who is not the member.
CONSENT_HOLDERS: frozenset[ActorKind] = frozenset({"member", "steward", "client", "token"})


@dataclass(frozen=True)
class ClientTaskFacts:
    """A client's tasks with one worker, as far as the gate cares."""

    task_in_hand: bool = False  # accepted, in progress or delivered
    located_in_progress: bool = False  # a located task in progress


@dataclass(frozen=True)
class LiveConsent:
    """A consent the member gave this reader that is valid now."""

    record_id: str
    categories: frozenset[str]
    purpose: str = ""  # a consent to a purpose of the co-op's (read by a job), not a member


@dataclass(frozen=True)
class Decision:
    allowed: bool
    basis: str = ""  # when allowed: "self", "bylaws:<purpose>" or "consent:<record id>"
    reason: str = ""  # when refused: a stable code (see REFUSALS)


REFUSALS = {
    "unknown_category": "There is no such data category.",
    "not_logged_in": "Someone not logged in reads nobody's data.",
    "no_basis": "Nothing in the bylaws or in this member's consents allows this read.",
}


def _client_condition(category: str, facts: ClientTaskFacts) -> bool:
    if category == "location":
        return facts.located_in_progress
    return facts.task_in_hand


def decide(
    *,
    reader: ActorKind,
    category: str,
    purpose: str,
    consents: Sequence[LiveConsent] = (),
    client_facts: ClientTaskFacts | None = None,
) -> Decision:
    """Whether this reader may read this category of one member's data for this purpose."""
    if category not in CATEGORIES:
        return Decision(False, reason="unknown_category")
    if reader == "self":
        return Decision(True, basis=SELF_BASIS)
    if reader == "anonymous":
        return Decision(False, reason="not_logged_in")
    if purpose_covers(purpose, reader, category) and (
        reader != "client" or _client_condition(category, client_facts or ClientTaskFacts())
    ):
        return Decision(True, basis=f"bylaws:{purpose}")
    if reader in CONSENT_HOLDERS or reader == "job":
        for consent in consents:  # in the order given: the oldest grant first
            # A job holds only consents to its purpose; a member only consents to them.
            if category in consent.categories and consent.purpose == (
                purpose if reader == "job" else ""
            ):
                return Decision(True, basis=f"consent:{consent.record_id}")
    return Decision(False, reason="no_basis")
