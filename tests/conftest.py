"""The cast every test shares, on whichever database DATABASE_URL names.

Alice founded the co-op and is a steward; Bob and Carol are workers; Dan is a client;
Erin has a log-in but no membership; Sam is a second steward (so stewards can act on
each other and resolve disputes they are not party to).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypedDict

import hypothesis
import pytest
from django.db import connection
from django.test import Client

from commonwork.core import clock
from commonwork.members import actions as member_actions
from commonwork.members.models import Role, User
from commonwork.work import actions as work_actions
from commonwork.work.models import Project, Task
from tests.write_ownership import WriteOwnershipCheck

PASSWORD = "correct-horse-battery-staple"

# Property tests measure behaviour, not speed: no deadline (a slow machine or a busy CI
# core must not fail an example), and the same settings everywhere.
hypothesis.settings.register_profile("commonwork", deadline=None)
hypothesis.settings.load_profile("commonwork")


@pytest.fixture(autouse=True)
def writes_only_in_actions(request: pytest.FixtureRequest) -> Any:
    """Every write the code under test makes comes from its table's app's actions
    (tests/write_ownership.py); a test that sees one anywhere else fails."""
    check = WriteOwnershipCheck()
    with connection.execute_wrapper(check):
        yield check
    assert check.violations == [], sorted(set(check.violations))


def _user(username: str) -> User:
    return member_actions.register_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        display_name=username.title(),
    )


def _admit(steward: User, user: User, role: str, skills: list[str] | None = None) -> User:
    application = member_actions.submit_application(
        actor=user, role=role, motivation="I want to work here.", skills=skills or []
    )
    member_actions.admit_application(actor=steward, application_id=application.pk)
    return user


@pytest.fixture
def alice(db: Any) -> User:
    user = _user("alice")
    member_actions.found_cooperative(
        name="Riverside Couriers",
        currency="EUR",
        languages=["en", "zh-hans"],
        bylaws="One member, one vote.",
        founded_on=dt.date(2026, 1, 1),
        share_price_minor=5000,
        founder=user,
    )
    return user


@pytest.fixture
def sam(alice: User) -> User:
    user = _admit(alice, _user("sam"), Role.WORKER)
    membership = user.membership
    membership.role = Role.STEWARD
    membership.save(update_fields=["role"])
    return user


@pytest.fixture
def bob(alice: User) -> User:
    return _admit(alice, _user("bob"), Role.WORKER, ["bike"])


@pytest.fixture
def carol(alice: User) -> User:
    return _admit(alice, _user("carol"), Role.WORKER, ["bike", "translation"])


@pytest.fixture
def dan(alice: User) -> User:
    return _admit(alice, _user("dan"), Role.CLIENT)


@pytest.fixture
def erin(db: Any) -> User:
    return _user("erin")


@pytest.fixture
def make_member(alice: User) -> Callable[..., User]:
    """A further member of any role, admitted by Alice: make_member("eve", "client")."""

    def make(username: str, role: str, skills: list[str] | None = None) -> User:
        return _admit(alice, _user(username), role, skills)

    return make


@pytest.fixture
def tariff(alice: User) -> Any:
    return work_actions.publish_tariff(
        actor=alice, name="2026 city tariff", base_minor=300, per_km_minor=120, per_minute_minor=20
    )


@pytest.fixture
def project(dan: User, tariff: Any) -> Project:
    return work_actions.create_project(
        actor=dan,
        title="Neighbourhood groceries",
        purpose="Deliver groceries from the market to older neighbours.",
        outcome="Weekly shopping reaches 40 households.",
    )


@pytest.fixture
def make_task(dan: User, project: Project) -> Callable[..., Task]:
    def make(**overrides: Any) -> Task:
        fields: dict[str, Any] = {
            "actor": dan,
            "project_id": project.pk,
            "title": "Deliver a basket",
            "kind": "located",
            "pickup": (52.5200, 13.4050),
            "dropoff": (52.5300, 13.4200),
            "estimated_minutes": 25,
            "deadline": clock.now() + dt.timedelta(hours=3),
            "skills": ["bike"],
        }
        fields.update(overrides)
        return work_actions.post_task(**fields)

    return make


@pytest.fixture
def open_task(make_task: Callable[..., Task]) -> Task:
    return make_task()


@pytest.fixture
def complete_task(make_task: Callable[..., Task], dan: Any) -> Callable[..., Task]:
    """complete_task(worker, start=datetime, minutes=30): post, take, start, deliver and
    complete a task, each step at its own time, and return it completed."""

    def run(worker: Any, *, start: dt.datetime, minutes: int = 30, **overrides: Any) -> Task:
        with clock.set_to(start - dt.timedelta(minutes=5)):
            task = make_task(**overrides)
            work_actions.take_task(actor=worker, task_id=task.pk)
        with clock.set_to(start):
            work_actions.start_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes)):
            work_actions.deliver_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes + 5)):
            work_actions.complete_task(actor=dan, task_id=task.pk)
        return Task.objects.get(pk=task.pk)

    return run


@pytest.fixture(autouse=True)
def _english_between_tests() -> Any:
    """Each test starts in English, whatever language an earlier request left active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from django.conf import settings

    on_postgres = str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    once = pytest.mark.skip(reason="a check of what pages show: runs in the SQLite pass")
    engine_free = pytest.mark.skip(
        reason="the same on either engine (no database, or one of its own): runs in the SQLite pass"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)
        if "pages" in item.keywords and on_postgres:
            item.add_marker(once)
        elif on_postgres and ("own_database" in item.keywords or _touches_no_database(item)):
            item.add_marker(engine_free)


# pytest-django lets a test reach the database only through these (or the django_db mark).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
        "django_user_model",
        "admin_user",
        "admin_client",
    }
)


def _touches_no_database(item: Any) -> bool:
    """A test that cannot reach the database runs alike on either engine, so one pass is
    enough: no django_db mark, no database fixture, and (to be safe) no mention in its
    module of starting a process, which could reach a database of its own (subprocess)."""
    if item.get_closest_marker("django_db") is not None or "postgres" in item.keywords:
        return False
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return False
    module_file = getattr(getattr(item, "module", None), "__file__", None)
    return module_file is not None and not _starts_processes(module_file)


@functools.cache
def _starts_processes(module_file: str) -> bool:
    """Read once per test module, not once per test."""
    return "subprocess" in Path(module_file).read_text()


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def log_in(client: Client, username: str, password: str = PASSWORD) -> bool:
    """Log in through the log-in page, as a person does (and as the log-in throttle
    sees it): whether it worked."""
    client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


class VotingWindow(TypedDict):
    voting_opens_at: dt.datetime
    voting_closes_at: dt.datetime


def voting_window(
    kind: str = "parameter_change", *, start: dt.datetime | None = None
) -> VotingWindow:
    """The earliest voting window the governed minimums allow a proposal of this kind
    made at `start` (now): `voting_opens_at` after the notice, `voting_closes_at` after
    the least voting time. Spread into propose(**voting_window(kind))."""
    from commonwork.governance.actions.proposals import minimum_window

    notice, voting = minimum_window(kind)
    opens = (start or clock.now()) + notice
    return VotingWindow(voting_opens_at=opens, voting_closes_at=opens + voting)


@contextmanager
def proposed_earlier(kind: str = "parameter_change") -> Iterator[VotingWindow]:
    """For a test that votes now: inside the block the clock stands just over the governed
    notice ago, so a proposal made there with the window yielded (`**window`) may open
    its vote now (open_voting, or advance_due_proposals, after the block)."""
    from commonwork.governance.actions.proposals import minimum_window

    notice, voting = minimum_window(kind)
    start = clock.now() - notice - dt.timedelta(minutes=1)
    with clock.set_to(start):
        yield VotingWindow(voting_opens_at=start + notice, voting_closes_at=start + notice + voting)


def as_form_times(window: VotingWindow) -> dict[str, str]:
    """A window as the proposal form's fields."""
    return {
        "voting_opens_at": window["voting_opens_at"].strftime("%Y-%m-%d %H:%M"),
        "voting_closes_at": window["voting_closes_at"].strftime("%Y-%m-%d %H:%M"),
    }


def let_the_notice_pass(proposal: Any) -> Any:
    """For a browser test, where the server's clock cannot be moved: as if the governed
    notice had passed since the proposal was made, its times move back until its vote
    opens now, and the scheduler's step opens it."""
    from commonwork.governance.actions import advance_due_proposals
    from commonwork.governance.models import Proposal

    shift = proposal.voting_opens_at - clock.now() + dt.timedelta(minutes=1)
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=proposal.created_at - shift,
        voting_opens_at=proposal.voting_opens_at - shift,
        voting_closes_at=proposal.voting_closes_at - shift,
    )
    advance_due_proposals()
    return Proposal.objects.get(pk=proposal.pk)
