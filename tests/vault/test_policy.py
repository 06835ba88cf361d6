"""The gate's rule as a pure function (vault.policy.decide), over every kind of reader,
category, purpose, consent and client fact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commonwork.vault.policy import ClientTaskFacts, LiveConsent, decide
from commonwork.vault.registry import ACTOR_KINDS, CATEGORIES, PURPOSES, purpose_covers

categories = st.sampled_from(sorted(CATEGORIES))
purposes = st.sampled_from([*sorted(PURPOSES), "friendship"])
consents = st.lists(
    st.builds(
        LiveConsent,
        record_id=st.uuids().map(str),
        categories=st.frozensets(st.sampled_from(sorted(CATEGORIES))),
    ),
    max_size=3,
)
facts = st.none() | st.builds(ClientTaskFacts, st.booleans(), st.booleans())


@given(st.sampled_from(ACTOR_KINDS), categories, purposes, consents, facts)
def test_every_allowed_read_has_a_basis_that_really_allows_it(
    reader, category, purpose, given_consents, client_facts
) -> None:
    decision = decide(
        reader=reader,
        category=category,
        purpose=purpose,
        consents=given_consents,
        client_facts=client_facts,
    )
    assert decision.allowed == (decision.basis != "")
    assert decision.allowed != (decision.reason != "")
    if not decision.allowed:
        return
    if decision.basis == "self":
        assert reader == "self"
    elif decision.basis.startswith("bylaws:"):
        assert decision.basis == f"bylaws:{purpose}"
        assert purpose_covers(purpose, reader, category)
        if reader == "client":
            assert client_facts is not None
            wanted = (
                client_facts.located_in_progress
                if category == "location"
                else client_facts.task_in_hand
            )
            assert wanted
    else:
        record = decision.basis.removeprefix("consent:")
        assert any(c.record_id == record and category in c.categories for c in given_consents)
        assert reader in ("member", "steward", "client", "token")


@given(categories, purposes, consents, facts)
def test_nobody_logged_out_reads_anything_and_everyone_reads_their_own(
    category, purpose, given_consents, client_facts
) -> None:
    kwargs = {"category": category, "purpose": purpose, "consents": given_consents}
    assert not decide(reader="anonymous", client_facts=client_facts, **kwargs).allowed
    assert decide(reader="self", **kwargs).basis == "self"


@given(st.sampled_from(["member", "steward", "client", "token"]), categories, purposes, facts)
def test_a_consent_naming_the_category_allows_the_read(reader, category, purpose, client_facts):
    consent = LiveConsent("c-1", frozenset({category}))
    decision = decide(
        reader=reader,
        category=category,
        purpose=purpose,
        consents=[consent],
        client_facts=client_facts,
    )
    assert decision.allowed


def test_a_client_sees_the_location_only_while_a_located_task_is_in_progress() -> None:
    def client(facts: ClientTaskFacts) -> bool:
        return decide(
            reader="client", category="location", purpose="active_task", client_facts=facts
        ).allowed

    assert client(ClientTaskFacts(task_in_hand=True, located_in_progress=True))
    assert not client(ClientTaskFacts(task_in_hand=True, located_in_progress=False))
    assert not client(ClientTaskFacts())
    assert not decide(reader="client", category="earnings", purpose="active_task").allowed
    assert decide(reader="member", category="nothing", purpose="dispatch").reason == (
        "unknown_category"
    )
