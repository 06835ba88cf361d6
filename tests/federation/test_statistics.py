"""Shared statistics: a commons release is announced to the linked co-op as it was
published (noisy figures, intervals, ε); theirs are kept and shown beside ours on the
federated observatory, labelled with their co-op and ε, counts summed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from commonwork.federation import actions
from commonwork.federation.models import PeerRelease
from tests.commons.test_commons import _publish
from tests.federation.conftest import FakePeer, post_inbox

pytestmark = pytest.mark.django_db


def test_our_releases_go_to_the_linked_coop_and_theirs_show_beside_ours(
    alice: Any, bob: Any, carol: Any, peer: FakePeer, linked: Any
) -> None:
    from commonwork.vault.actions import consent_to_purpose

    for member in (bob, carol):
        consent_to_purpose(actor=member, purpose_key="commons")
    release = _publish(alice, statistic="zones")
    actions.deliver_due()
    announced = peer.received[-1]
    assert announced["type"] == "Announce"
    document = announced["object"]
    assert document["commonwork:release"]["epsilon"] == pytest.approx(release.epsilon)
    assert document["commonwork:release"]["figures"] == release.figures
    assert "bob" not in str(announced).lower()
    theirs = {
        "id": f"{peer.origin}/commons/releases/7/",
        "type": "Document",
        "attributedTo": peer.actor,
        "commonwork:release": {
            "statistic": "zones",
            "periodStart": release.period_start.isoformat(),
            "periodEnd": release.period_end.isoformat(),
            "epsilon": 0.5,
            "figures": [
                {
                    "measure": "members",
                    "group": "Riverside",
                    "value": 40.0,
                    "low": 35.0,
                    "high": 45.0,
                    "unit": "count",
                }
            ],
        },
    }
    body, headers = peer.signed(peer.activity("Announce", theirs))
    assert post_inbox(body, headers).status_code == 202
    assert PeerRelease.objects.get().epsilon == 0.5
    page = Client().get("/federation/observatory/").content.decode()
    assert "Hillside Riders" in page
    assert "0.50" in page
    assert 'data-testid="federated-total"' in page
    # A malformed release is not kept.
    bad = {**theirs, "id": f"{peer.origin}/commons/releases/8/", "commonwork:release": {"x": 1}}
    body, headers = peer.signed(peer.activity("Announce", bad))
    assert post_inbox(body, headers).json()["outcome"].startswith("ignored")
