"""N+1 guards: the pages and the API list that show many people or rows ask the database
a fixed number of times, however many rows there are. Each page is measured with a little
data and with several times more; the counts must be equal, and stay under a ceiling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from commonwork.members import actions as member_actions
from commonwork.members.models import Role, User
from commonwork.vault import actions as vault_actions
from commonwork.vault import gate


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured.captured_queries)


def _grow(
    alice: User,
    make_member: Callable[..., User],
    make_task: Callable[..., Any],
    dan: User,
    start: int,
    count: int,
) -> None:
    """`count` more of everything the five pages list: members, applicants, open tasks,
    consents and reads of Bob's data, and journal entries (each admission posts one)."""
    for i in range(start, start + count):
        member = make_member(f"worker{i}", Role.WORKER, ["bike"])
        vault_actions.grant_consent(
            actor=User.objects.get(username="bob"),
            recipient_id=member.pk,
            categories=["identity"],
            purpose="Checking my work",
            valid_days=30,
            retention_days=30,
            jurisdiction="EU",
        )
        gate.read(
            actor=member,
            subject_id=User.objects.get(username="bob").pk,
            category="identity",
            purpose="friendship",
        )
        applicant = member_actions.register_user(
            username=f"applicant{i}", password="correct-horse-battery-staple"
        )
        member_actions.submit_application(actor=applicant, role=Role.WORKER, motivation="Hi.")
        make_task(title=f"Basket {i}")


PAGES = [
    ("steward console", "alice", "/steward/", 41),
    ("member list API", "alice", "/api/v1/members", 20),
    ("My data", "bob", "/my-data/", 50),
    ("task board", "bob", "/work/board/", 25),
    ("books", "alice", "/books/", 25),
]


@pytest.mark.parametrize(("page", "username", "url", "ceiling"), PAGES, ids=[p[0] for p in PAGES])
def test_a_page_asks_the_database_the_same_number_of_times_for_more_rows(
    page: str,
    username: str,
    url: str,
    ceiling: int,
    alice: User,
    bob: User,
    dan: User,
    make_member: Callable[..., User],
    make_task: Callable[..., Any],
    django_assert_max_num_queries: Any,
) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    _grow(alice, make_member, make_task, dan, 0, 2)
    client.get(url)  # the first view of a page may make the reader's log head
    few = _queries(client, url)
    _grow(alice, make_member, make_task, dan, 2, 6)
    client.get(url)
    many = _queries(client, url)
    assert many == few, f"{page}: {few} queries with a few rows, {many} with more"
    with django_assert_max_num_queries(ceiling):
        client.get(url)
