"""The demo co-op that `make run` loads: a small courier and translation co-op mid-week.

Everything is made through the same actions the pages and the API call, so the demo's
audit chain, prices and states are exactly what real use produces. Loading is
idempotent: each piece is looked up first and only what is missing is made, so running
it again changes nothing.

The demo log-ins share one password, which is why `manage.py load_demo` refuses to run
with DEBUG off unless forced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from django.db import transaction
from django.test.utils import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from commonwork.commons import actions as commons_actions
from commonwork.commons.models import Release
from commonwork.core import clock
from commonwork.core.marks import N_
from commonwork.dispatch.actions import record_weather_alerts, run_round
from commonwork.dispatch.alerts import CapDocument
from commonwork.governance.actions.parameters import set_parameter
from commonwork.governance.parameters import read_parameter
from commonwork.ledger.actions import record_expense, tip_task
from commonwork.ledger.actions.periods import close_period, local_midnight
from commonwork.ledger.models import PayPeriod
from commonwork.members import actions as member_actions
from commonwork.members.models import ApplicationStatus, Membership, MembershipStatus, Role, User
from commonwork.members.selectors import (
    applications_of,
    cooperative_currency,
    get_cooperative,
    user_by_username,
)
from commonwork.observatory import actions as observatory_actions
from commonwork.observatory.models import FairworkAssessment, WageRate
from commonwork.platformdata import actions as platform_actions
from commonwork.platformdata import samples
from commonwork.platformdata.models import Upload
from commonwork.policylab.actions import complete_run, cooperative_rules, current_values, start_run
from commonwork.policylab.library import RULE_SETS
from commonwork.policylab.models import LabRun
from commonwork.protection import actions as protection
from commonwork.protection.models import Claim
from commonwork.site import demo_history
from commonwork.site.demo_hasher import DemoPasswordHasher
from commonwork.vault.actions import consent_to_purpose
from commonwork.work import actions as work_actions
from commonwork.work.models import Project
from commonwork.work.selectors import (
    current_tariff,
    is_available,
    projects_of_client,
    tasks_of_client,
)

DEMO_PASSWORD = "commonwork-demo"  # noqa: S105 - documented, and refused in production
COOPERATIVE_NAME = N_("Riverside Commons")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    what: str


LOGINS = (
    DemoLogin(
        "alice", N_("Alice"), "steward", "founded the co-op; admits members, settles disputes"
    ),
    DemoLogin("bob", N_("Bob"), "worker", "cycles; has a task accepted and one disputed"),
    DemoLogin("carol", N_("Carol"), "worker", "cycles and translates; available now"),
    DemoLogin("dan", N_("Dan"), "client", "posts the neighbourhood's deliveries and translations"),
    DemoLogin("erin", N_("Erin"), "applicant", "has applied to join; waits for a steward"),
)

# Members admitted by Alice: username -> (role, skills).
# Skills are the members' own words: the demo's are in the language it is loaded in.
BIKE, TRANSLATION = N_("bike"), N_("translation")
MEMBERS: dict[str, tuple[Role, list[str]]] = {
    "bob": (Role.WORKER, [BIKE]),
    "carol": (Role.WORKER, [BIKE, TRANSLATION]),
    "dan": (Role.CLIENT, []),
}


@dataclass(frozen=True)
class DemoProject:
    title: str
    purpose: str
    outcome: str


GROCERIES = DemoProject(
    N_("Neighbourhood groceries"),
    N_("Bring groceries and medicine from the market to neighbours who cannot carry them."),
    N_("Forty households get their weekly shopping to the door."),
)
NEWSLETTER = DemoProject(
    N_("Market newsletter in two languages"),
    N_("Let every stallholder read the market's news, in English and in Chinese."),
    N_("The monthly newsletter goes out in both languages on the same day."),
)

# Around the river market; (latitude, longitude).
MARKET = (52.5163, 13.4010)
MARKET_ADDRESS = "Werderscher Markt, 10117 Berlin-Mitte"  # as the gazetteer names it


@dataclass(frozen=True)
class DemoTask:
    title: str
    project: DemoProject
    minutes: int
    skills: list[str]
    dropoff: tuple[float, float] | None = None  # None: a remote task
    description: str = ""
    worker: str | None = None
    # The actions that bring it to its state after posting, in order.
    steps: tuple[str, ...] = ()
    dispute_reason: str = ""
    hours_to_deadline: int = 24


TASKS = (
    DemoTask(
        N_("Deliver a vegetable box to Elm Street 12"),
        GROCERIES,
        25,
        ["bike"],
        dropoff=(52.5251, 13.4102),
        description=N_("Box at stall 7, ask for Mei. Ring twice, third floor."),
        hours_to_deadline=6,
    ),
    DemoTask(
        N_("Bring a prescription from the pharmacy to Oak Court"),
        GROCERIES,
        20,
        ["bike"],
        dropoff=(52.5120, 13.3890),
        description=N_("The pharmacy has it ready under the name Okafor."),
        hours_to_deadline=4,
    ),
    DemoTask(
        N_("Translate the March newsletter into Chinese"),
        NEWSLETTER,
        90,
        ["translation"],
        description=N_("About 800 words; keep the stall names in English."),
        hours_to_deadline=72,
    ),
    DemoTask(
        N_("Pick up bread from the bakery for the lunch club"),
        GROCERIES,
        30,
        ["bike"],
        dropoff=(52.5200, 13.4180),
        worker="bob",
        steps=("take",),
        hours_to_deadline=8,
    ),
    DemoTask(
        N_("Deliver a basket to Birch Lane 4"),
        GROCERIES,
        25,
        ["bike"],
        dropoff=(52.5300, 13.4000),
        worker="carol",
        steps=("take", "start", "deliver"),
    ),
    DemoTask(
        N_("Deliver flowers to the community hall"),
        GROCERIES,
        35,
        ["bike"],
        dropoff=(52.5080, 13.4150),
        worker="bob",
        steps=("take", "start", "deliver", "dispute"),
        dispute_reason=N_("Half of the flowers arrived crushed."),
    ),
    DemoTask(
        N_("Proofread the stallholders' rota"),
        NEWSLETTER,
        40,
        ["translation"],
        worker="carol",
        steps=("take", "start", "deliver", "complete"),
    ),
)


@dataclass
class DemoResult:
    created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created)


class DemoConflictError(Exception):
    """The database holds a co-op that is not the demo; nothing was changed."""


def load_demo(language: str = "en", *, history: bool = True) -> DemoResult:
    """Make whatever part of the demo co-op is missing, its texts in `language` (the
    demo's words go through gettext). Safe to run any number of times. Without `history`
    the weeks before last week are left out (most of the time it takes)."""
    hashers = settings.PASSWORD_HASHERS
    if getattr(get_hasher("default"), "iterations", 0) > DemoPasswordHasher.iterations:
        # The demo's published password needs no slow hash (site/demo_hasher.py).
        hashers = [f"{DemoPasswordHasher.__module__}.DemoPasswordHasher", *hashers]
    with translation.override(language), override_settings(PASSWORD_HASHERS=hashers):
        return _load_demo(history)


@transaction.atomic
def _load_demo(history: bool) -> DemoResult:
    result = DemoResult()
    users = {login.username: _user(login, result) for login in LOGINS}
    alice = users["alice"]
    _cooperative(alice, result)
    for username, (role, skills) in MEMBERS.items():
        _member(alice, users[username], role, [_(skill) for skill in skills], result)
    _pending_application(users["erin"], result)
    if current_tariff() is None:
        founded_on = demo_founding_day(clock.now().date())
        with clock.set_to(local_midnight(founded_on)):
            work_actions.publish_tariff(
                actor=alice,
                name=_("Spring tariff"),
                base_minor=300,
                per_km_minor=120,
                per_minute_minor=20,
            )
        result.created.append("tariff")
    dan = users["dan"]
    projects = {demo: _project(dan, demo, result) for demo in (GROCERIES, NEWSLETTER)}
    existing_titles = set(tasks_of_client(dan).values_list("title", flat=True))
    for demo_task in TASKS:
        if _(demo_task.title) not in existing_titles:
            _task(demo_task, projects[demo_task.project], users)
            result.created.append(f"task {demo_task.title!r}")
    if not PayPeriod.objects.exists():
        _cover_in_the_bylaws(alice)
        if history:
            _history(alice, result)
        _last_week(users, projects[GROCERIES], result)
    if not Claim.objects.exists():
        _claims(users, result)
    carol = users["carol"]
    if not is_available(carol):
        work_actions.set_availability(actor=carol, available=True)
        # Her phone shares where she is, near the market, so dispatch can offer her work.
        work_actions.report_location(actor=carol, lat=MARKET[0] + 0.002, lon=MARKET[1] - 0.003)
        result.created.append("carol's availability")
        # A first round at once, so the demo shows an offer with its explanation; the
        # scheduler that `make run` starts keeps running rounds after that.
        run_round()
        result.created.append("a dispatch round")
    if not Release.objects.exists():
        _commons(users, result)
    if not FairworkAssessment.objects.exists():
        _fairwork(users["alice"], result)
    if not Upload.objects.exists():
        # Bob still drives for Uber some evenings: he imported his export to compare.
        sample = Path(samples.__file__).parent / "uber-sar"
        upload = platform_actions.receive_upload(
            actor=users["bob"], files=[(p.name, p.read_bytes()) for p in sorted(sample.iterdir())]
        )
        platform_actions.read_upload(upload.pk)
        result.created.append("bob's import of his Uber data")
    if not LabRun.objects.exists():
        # The policy lab's comparison of an extractive platform with the demo's rules.
        run = start_run(
            actor=None,
            rule_sets=[RULE_SETS["extractive"], cooperative_rules(current_values(), "cooperative")],
        )
        complete_run(run.pk)
        result.created.append("a policy lab report")
    return result


# The data commons' first releases: what the stewards publish over the demo's four weeks,
# each with the epsilon it spends of the quarter's budget.
DEMO_RELEASES = (("pay_per_engaged_hour", 0.2), ("weekly_hours", 0.15), ("zones", 0.15))


def _commons(users: dict[str, User], result: DemoResult) -> None:
    """Every worker but Bob shares their figures with the commons; the weekly releases of
    the demo's four weeks, and Alice's first releases over all four."""
    workers = Membership.objects.filter(role=Role.WORKER, status=MembershipStatus.ACTIVE)
    for membership in workers.select_related("user"):
        if membership.user.username != "bob":
            consent_to_purpose(actor=membership.user, purpose_key="commons")
    start = last_monday(clock.now().date()) - dt.timedelta(days=7 * HISTORY_WEEKS)
    # The weekly releases the scheduler would have published, week by week.
    weekly = float(read_parameter("commons.weekly_epsilon"))
    for week in range(HISTORY_WEEKS + 1):
        for statistic in commons_actions.WEEKLY:
            commons_actions.publish(
                actor=None,
                statistic=statistic,
                start=start + dt.timedelta(days=7 * week),
                weeks=1,
                epsilon=weekly,
                scheduled=True,
            )
    for statistic, epsilon in DEMO_RELEASES:
        commons_actions.publish(
            actor=users["alice"],
            statistic=statistic,
            start=start,
            weeks=HISTORY_WEEKS + 1,
            epsilon=epsilon,
        )
    result.created.append("the data commons' first releases")


def _fairwork(alice: User, result: DemoResult) -> None:
    """The demo co-op's own figures for what the shipped tables leave out (its riders'
    bicycles, a living wage), then its first self-assessment."""
    year = clock.now().year
    source = _("The demo co-op's own estimate, voted at its founding (a fiction).")
    founded = demo_founding_day(clock.now().date())
    observatory_actions.set_vehicle_cost(
        actor=alice,
        country=settings.COMMONWORK_COUNTRY,
        year=year,
        vehicle=settings.COMMONWORK_VEHICLE,
        currency=cooperative_currency() or "EUR",
        per_km_minor=8,
        source=source,
        as_of=founded,
    )
    wages = WageRate.objects.filter(country=settings.COMMONWORK_COUNTRY, year=year).first()
    observatory_actions.set_wage_rate(
        actor=alice,
        country=settings.COMMONWORK_COUNTRY,
        year=year,
        currency=cooperative_currency() or "EUR",
        minimum_minor=wages.minimum_per_hour_minor if wages else None,
        living_minor=1_600,
        source=source if wages is None else f"{wages.source}; {source}",
        as_of=founded,
    )
    observatory_actions.publish_equity_report(actor=alice)
    observatory_actions.assess_fairwork(clock.now())
    result.created.append("the Fairwork self-assessment")


# Weeks of generated history before last week (site/demo_history.py).
HISTORY_WEEKS = 3


def last_monday(today: dt.date) -> dt.date:
    """The Monday of last week: the week the demo's own story happened in."""
    return today - dt.timedelta(days=today.weekday() + 7)


def _history(alice: User, result: DemoResult) -> None:
    """The weeks before last week: more members, their work, an election, a rule change."""
    founded = local_midnight(demo_founding_day(clock.now().date()))
    workers, shops = demo_history.founding_members(alice, founded, DEMO_PASSWORD)
    done = demo_history.past_weeks(
        alice=alice, workers=workers, shops=shops, founded=founded, weeks=HISTORY_WEEKS
    )
    demo_history.decisions(alice=alice, workers=workers, founded=founded)
    result.created.append(f"{HISTORY_WEEKS} weeks of history: {done} tasks")


def demo_founding_day(today: dt.date) -> dt.date:
    """The demo co-op was founded HISTORY_WEEKS before last week: that many pay weeks of
    generated history, then last week's story, lie behind it."""
    return last_monday(today) - dt.timedelta(days=7 * HISTORY_WEEKS)


# The cover the founding bylaws chose, as the governed values hold it.
DEMO_COVER = {
    "cover_contribution_share": "0.25",
    "cover.injury.basis": "1",
    "cover.injury.share": "0.6",
    "cover.injury.qualifying_hours": "4",
    "cover.injury.waiting_days": "0",
    "cover.sickness.basis": "2",
    "cover.sickness.sum": "15000",
    "cover.sickness.qualifying_hours": "2",
    "cover.sickness.waiting_days": "1",
}


def _cover_in_the_bylaws(alice: User) -> None:
    """Set at the founding, before the first general meeting (docs/governance.md)."""
    founded = local_midnight(demo_founding_day(clock.now().date()))
    area = {
        "service_area_lat": f"{MARKET[0]}",
        "service_area_lon": f"{MARKET[1]}",
        "service_area_radius_km": "15",
    }
    with clock.set_to(founded + dt.timedelta(minutes=5)):
        for name, value in {**DEMO_COVER, **area}.items():
            set_parameter(actor=alice, name=name, value=value, reason=_("The founding bylaws."))


def storm_warning(starts: dt.datetime, hours: int) -> str:
    """A CAP 1.2 warning as a weather service sends it: severe gusts around the market,
    in the demo's language."""
    ends = starts + dt.timedelta(hours=hours)
    event, headline, area = (
        _("storm gusts"),
        _("Severe storm gusts over the riverside"),
        _("Riverside"),
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>demo-storm-{starts:%Y%m%d%H%M}</identifier>
  <sender>weather-service@example.org</sender><sent>{starts.isoformat()}</sent>
  <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
  <info><language>{translation.get_language()}</language><category>Met</category>
    <event>{event}</event><urgency>Immediate</urgency>
    <severity>Severe</severity><certainty>Observed</certainty>
    <onset>{starts.isoformat()}</onset><expires>{ends.isoformat()}</expires>
    <headline>{headline}</headline>
    <area><areaDesc>{area}</areaDesc><circle>{MARKET[0]},{MARKET[1]} 3</circle></area>
  </info>
</alert>"""


def _storm(dan: User, groceries: Project, starts: dt.datetime) -> None:
    """Last Friday's storm: the weather service's warning reached the co-op, and the round
    at noon held the market delivery back (its decision says why); Dan postponed it."""
    with clock.set_to(starts):
        record_weather_alerts(CapDocument(storm_warning(starts, 3), _("demo weather service")))
    with clock.set_to(starts + dt.timedelta(hours=1)):
        task = work_actions.post_task(
            actor=dan,
            project_id=groceries.pk,
            title=_("Flowers for the market stall"),
            kind="located",
            pickup=MARKET,
            pickup_address=MARKET_ADDRESS,
            dropoff=(MARKET[0] + 0.008, MARKET[1] + 0.01),
            region="riverside",
            estimated_minutes=30,
            deadline=starts + dt.timedelta(hours=2, minutes=30),
            skills=[_(BIKE)],
        )
        run_round(region="riverside")
    with clock.set_to(starts + dt.timedelta(hours=2)):
        work_actions.cancel_task(actor=dan, task_id=task.pk, reason=_("Postponed: the storm."))


def _claims(users: dict[str, User], result: DemoResult) -> None:
    """Bob fell on Sunday and was off three days: his injury claim is approved and paid
    from the solidarity fund. Carol is sick since yesterday: her claim waits for a steward."""
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    today = clock.now().date()
    sunday = local_midnight(last_monday(today)) + dt.timedelta(days=6, hours=11)
    with clock.set_to(sunday + dt.timedelta(hours=1)):
        incident = protection.report_incident(
            actor=bob,
            occurred_at=sunday,
            place=_("Mill Street, by the tram stop"),
            account=_("My front wheel caught in the tram rail and I fell on my wrist."),
        )
        claim = protection.file_claim(
            actor=bob,
            cover="injury",
            starts_on=sunday.date(),
            ends_on=sunday.date() + dt.timedelta(days=2),
            account=_("Sprained wrist; could not ride for three days."),
            medical=_("Sprain of the left wrist; rest for three days (clinic note)."),
            incident_id=incident.pk,
        )
    with clock.set_to(sunday + dt.timedelta(hours=20)):
        protection.decide_claim(
            actor=alice,
            claim_id=claim.pk,
            approve=True,
            reason=_("Incident reported the same day; the clinic note confirms three days."),
        )
    protection.file_claim(
        actor=carol,
        cover="sickness",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=4),
        account=_("Flu: fever since yesterday; back next week, I hope."),
    )
    result.created.append("a paid injury claim and an open sickness claim")


def _last_week(users: dict[str, User], groceries: Project, result: DemoResult) -> None:
    """Last week's work, done through the real actions at last week's times, and its pay
    period closed: Bob waited four hours on Tuesday for one delivery, so his statement
    shows the floor topping up his waiting time."""
    bob, carol, dan, alice = users["bob"], users["carol"], users["dan"], users["alice"]
    monday = local_midnight(last_monday(clock.now().date()))

    def at(days: int, hours: float) -> dt.datetime:
        return monday + dt.timedelta(days=days, hours=hours)

    def shift(worker: User, start: dt.datetime, end: dt.datetime) -> None:
        with clock.set_to(start):
            work_actions.set_availability(actor=worker, available=True)
        with clock.set_to(end):
            work_actions.set_availability(actor=worker, available=False)

    def delivery(worker: User, title: str, start: dt.datetime, minutes: int) -> int:
        with clock.set_to(start - dt.timedelta(minutes=10)):
            task = work_actions.post_task(
                actor=dan,
                project_id=groceries.pk,
                title=title,
                kind="located",
                pickup=MARKET,
                pickup_address=MARKET_ADDRESS,
                dropoff=(MARKET[0] + 0.01, MARKET[1] + 0.012),
                region="riverside",
                estimated_minutes=minutes,
                deadline=start + dt.timedelta(hours=3),
                skills=[_(BIKE)],
            )
            work_actions.take_task(actor=worker, task_id=task.pk)
        with clock.set_to(start):
            work_actions.start_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes)):
            work_actions.deliver_task(actor=worker, task_id=task.pk)
        with clock.set_to(start + dt.timedelta(minutes=minutes + 20)):
            work_actions.complete_task(actor=dan, task_id=task.pk)
        return task.pk

    shift(bob, at(1, 9), at(1, 13))
    pharmacy = delivery(bob, _("Pharmacy run for Mrs Okafor"), at(1, 10), 30)
    shift(carol, at(2, 14), at(2, 16))
    delivery(carol, _("Bread for the day centre"), at(2, 14.25), 40)
    delivery(carol, _("Vegetable boxes, Mill Street"), at(2, 15), 45)
    with clock.set_to(at(2, 18)):
        tip_task(actor=dan, task_id=pharmacy, amount_minor=200, key="demo-tip")
        record_expense(actor=alice, amount_minor=2500, memo=_("Server hosting"), key="demo-hosting")
    _storm(dan, groceries, at(4, 11))
    close_period(actor=alice)
    result.created.append("last week's work and its closed pay period")


def _user(login: DemoLogin, result: DemoResult) -> User:
    user = user_by_username(login.username)
    if user is None:
        user = member_actions.register_user(
            username=login.username,
            password=DEMO_PASSWORD,
            email=f"{login.username}@example.org",
            display_name=_(login.display_name),
        )
        result.created.append(f"user {login.username}")
    return user


def _cooperative(alice: User, result: DemoResult) -> None:
    """Found the demo co-op; refuse to add demo people to any other co-op."""
    cooperative = get_cooperative()
    if cooperative is None:
        member_actions.found_cooperative(
            name=settings.COMMONWORK_DEMO_NAME or _(COOPERATIVE_NAME),
            currency="EUR",
            languages=["en", "zh-hans"],
            bylaws=_(
                # xgettext:no-python-format
                "One member, one vote. Stewards are elected for a year. Declining work is "
                "never held against a worker. The surplus returns to the members who "
                "did the work. A quarter of every fee goes into the solidarity fund, which "
                "pays injury at work (60 % of average weekly pay) and sickness (150.00 a "
                "week) to members with 4 engaged hours in the last 4 weeks. Outdoor tasks "
                "are held back while a severe weather warning is in force."
            ),
            founded_on=demo_founding_day(clock.now().date()),
            share_price_minor=5000,
            founder=alice,
        )
        result.created.append("cooperative")
    elif cooperative.name not in _demo_names():
        raise DemoConflictError(
            f"This database already runs the co-op {cooperative.name!r}, which is not the demo."
        )


def _demo_names() -> set[str]:
    """The demo co-op's name in every language it may have been loaded in."""
    names = {COOPERATIVE_NAME, settings.COMMONWORK_DEMO_NAME}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            names.add(_(COOPERATIVE_NAME))
    return names


def _has_membership(user: User) -> bool:
    try:
        return user.membership is not None
    except Membership.DoesNotExist:
        return False


def _member(steward: User, user: User, role: Role, skills: list[str], result: DemoResult) -> None:
    if _has_membership(user):
        return
    application = applications_of(user).filter(status=ApplicationStatus.PENDING).first()
    if application is None:
        application = member_actions.submit_application(
            actor=user, role=role, motivation=_("I live here and want to work here."), skills=skills
        )
    member_actions.admit_application(
        actor=steward, application_id=application.pk, note=_("Welcome aboard.")
    )
    result.created.append(f"membership of {user.username}")


def _pending_application(user: User, result: DemoResult) -> None:
    if _has_membership(user) or applications_of(user).exists():
        return
    member_actions.submit_application(
        actor=user,
        role=Role.WORKER,
        motivation=_("I translate between English and Chinese and have a cargo bike."),
        skills=[_("bike"), _("translation")],
    )
    result.created.append("erin's application")


def _project(client: User, demo: DemoProject, result: DemoResult) -> Project:
    project = projects_of_client(client).filter(title=_(demo.title)).first()
    if project is None:
        project = work_actions.create_project(
            actor=client, title=_(demo.title), purpose=_(demo.purpose), outcome=_(demo.outcome)
        )
        result.created.append(f"project {demo.title!r}")
    return project


def _task(demo: DemoTask, project: Project, users: dict[str, User]) -> None:
    dan = users["dan"]
    task = work_actions.post_task(
        actor=dan,
        project_id=project.pk,
        title=_(demo.title),
        description=_(demo.description) if demo.description else "",
        kind="remote" if demo.dropoff is None else "located",
        pickup=None if demo.dropoff is None else MARKET,
        pickup_address="" if demo.dropoff is None else MARKET_ADDRESS,
        dropoff=demo.dropoff,
        region="" if demo.dropoff is None else "riverside",
        estimated_minutes=demo.minutes,
        deadline=clock.now() + dt.timedelta(hours=demo.hours_to_deadline),
        skills=[_(skill) for skill in demo.skills],
    )
    worker = users[demo.worker] if demo.worker else None
    for step in demo.steps:
        if worker is None:
            raise ValueError(f"The demo task {demo.title!r} has steps but no worker.")
        if step == "take":
            work_actions.take_task(actor=worker, task_id=task.pk)
        elif step == "start":
            work_actions.start_task(actor=worker, task_id=task.pk)
        elif step == "deliver":
            work_actions.deliver_task(actor=worker, task_id=task.pk)
        elif step == "complete":
            work_actions.complete_task(actor=dan, task_id=task.pk)
        elif step == "dispute":
            work_actions.dispute_task(actor=dan, task_id=task.pk, reason=_(demo.dispute_reason))
        else:
            raise ValueError(f"Unknown demo step {step!r}.")
