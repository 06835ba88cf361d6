"""Three weeks of the demo co-op's past, generated deterministically so every page has
something to show: twenty more workers and four neighbourhood clients, two hundred-odd
deliveries across the city's known places, disputes settled, an election of stewards
with statements and reasons, a rule change passed with its outcome, and a pay period
closed each week. Everything goes through the same actions the pages call, at the
times it would have happened (the clock is set for each step).

The random draws come from one seeded generator, so two loads make the same co-op.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commonwork.core import clock
from commonwork.core.marks import N_
from commonwork.governance import actions as governance
from commonwork.governance.actions import ProposalContent
from commonwork.ledger.actions import tip_task
from commonwork.ledger.actions.periods import close_period
from commonwork.members import actions as member_actions
from commonwork.members.models import Role, User
from commonwork.members.selectors import user_by_username
from commonwork.work import actions as work_actions
from commonwork.work import places
from commonwork.work.models import Project

SEED = 20_261_201
# The demo city's named places (the demo is set in Berlin, whatever geocoder is set).
CITY = places.Gazetteer.from_file(places.DEFAULT_GAZETTEER)


@dataclass(frozen=True)
class Person:
    username: str
    name: str  # marked for translation: the demo in Chinese has Chinese names
    skills: tuple[str, ...] = ("bike",)


WORKERS = (
    Person("amira", N_("Amira")),
    Person("ben", N_("Ben")),
    Person("chen", N_("Chen Wei"), ("bike", "translation")),
    Person("dara", N_("Dara")),
    Person("emeka", N_("Emeka")),
    Person("fatima", N_("Fatima"), ("bike", "translation")),
    Person("goran", N_("Goran")),
    Person("hana", N_("Hana")),
    Person("ivan", N_("Ivan")),
    Person("jun", N_("Jun"), ("bike", "translation")),
    Person("kofi", N_("Kofi")),
    Person("lena", N_("Lena")),
    Person("marta", N_("Marta")),
    Person("nadia", N_("Nadia")),
    Person("oscar", N_("Oscar")),
    Person("priya", N_("Priya")),
    Person("quinn", N_("Quinn")),
    Person("rosa", N_("Rosa")),
    Person("sami", N_("Sami")),
    Person("tomas", N_("Tomás")),
)


@dataclass(frozen=True)
class Shop:
    username: str
    name: str
    project: str
    purpose: str
    outcome: str
    home: str  # a gazetteer query: where its deliveries start
    errands: tuple[str, ...]


SHOPS = (
    Shop(
        "bakery",
        N_("Rye & Sons bakery"),
        N_("Bread rounds"),
        N_("Fresh bread to the day centres and the lunch clubs before noon."),
        N_("Six lunch clubs get their bread warm."),
        "Markthalle Neun",
        (N_("Bread for the lunch club"), N_("Rolls for the day centre"), N_("A birthday cake")),
    ),
    Shop(
        "pharmacy",
        N_("Corner pharmacy"),
        N_("Medicine to the door"),
        N_("Prescriptions to neighbours who cannot come in."),
        N_("Nobody waits a day for their medicine."),
        "Hermannplatz",
        (N_("Prescription delivery"), N_("Blood-pressure monitor on loan")),
    ),
    Shop(
        "library",
        N_("District library"),
        N_("Books on wheels"),
        N_("Books to readers at home, and back again."),
        N_("Housebound readers borrow like everyone else."),
        "Rosenthaler Platz",
        (N_("Books to a reader at home"), N_("Returns from the care home")),
    ),
    Shop(
        "bikeshop",
        N_("Spoke bike shop"),
        N_("Parts and repairs"),
        N_("Spare parts to workshops, repaired bikes back to their riders."),
        N_("Repairs come back the same day."),
        "Warschauer Straße station",
        (N_("Wheel to the workshop"), N_("A repaired bike back to its rider")),
    ),
)

DISPUTES = (
    (
        N_("The cake arrived with its box crushed."),
        "pay",
        N_("The photo shows the box was crushed before pickup: the work stands and is paid."),
    ),
    (
        N_("Two of the books were missing."),
        "redo",
        N_("The books were left at the library: the worker brings them again, paid."),
    ),
)


def _place(name: str) -> places.Place:
    return CITY.search(name, limit=1)[0]


def founding_members(
    alice: User, founded: dt.datetime, password: str
) -> tuple[list[User], dict[str, tuple[User, Project]]]:
    """The workers and the shops, admitted on the founding day."""
    workers: list[User] = []
    with clock.set_to(founded + dt.timedelta(hours=2)):
        for person in WORKERS:
            workers.append(
                _member(
                    alice,
                    person.username,
                    _(person.name),
                    Role.WORKER,
                    [_(skill) for skill in person.skills],
                    password,
                )
            )
        shops = {}
        for shop in SHOPS:
            client = _member(alice, shop.username, _(shop.name), Role.CLIENT, [], password)
            project = work_actions.create_project(
                actor=client,
                title=_(shop.project),
                purpose=_(shop.purpose),
                outcome=_(shop.outcome),
            )
            shops[shop.username] = (client, project)
    return workers, shops


def _member(
    steward: User, username: str, name: str, role: Role, skills: list[str], password: str
) -> User:
    user = user_by_username(username)
    if user is None:
        user = member_actions.register_user(
            username=username,
            password=password,
            email=f"{username}@example.org",
            display_name=name,
        )
    application = member_actions.submit_application(
        actor=user, role=role, motivation=_("I live here and want to work here."), skills=skills
    )
    member_actions.admit_application(
        actor=steward, application_id=application.pk, note=_("Welcome aboard.")
    )
    return user


def past_weeks(
    *,
    alice: User,
    workers: list[User],
    shops: dict[str, tuple[User, Project]],
    founded: dt.datetime,
    weeks: int,
) -> int:
    """`weeks` weeks of work from the founding day, each closed as a pay period; how many
    tasks were done."""
    rng = random.Random(SEED)  # noqa: S311 - a demo's draws, reproducible on purpose
    known = CITY.places()
    done = 0
    disputes = list(DISPUTES)
    translators = [w for w, p in zip(workers, WORKERS, strict=True) if "translation" in p.skills]
    for week in range(weeks):
        monday = founded + dt.timedelta(days=7 * week)
        for day in range(5):
            morning = monday + dt.timedelta(days=day)
            on_shift = rng.sample(workers, 5)
            for index, worker in enumerate(on_shift):
                start = morning + dt.timedelta(hours=9 + 4 * (index % 2) + rng.random())
                shop_key = rng.choice(list(shops))
                shop = next(s for s in SHOPS if s.username == shop_key)
                client, project = shops[shop_key]
                pickup = _place(shop.home)
                with clock.set_to(start):
                    work_actions.set_availability(actor=worker, available=True, hours=4)
                at = start + dt.timedelta(minutes=rng.randint(2, 10))
                for _errand in range(rng.randint(2, 3)):
                    dropoff = rng.choice([p for p in known if p != pickup])
                    minutes = 15 + int(
                        places.distance_km(pickup.lat, pickup.lon, dropoff.lat, dropoff.lon) * 4
                    )
                    task = _delivery(
                        client,
                        project,
                        _(rng.choice(shop.errands)),
                        pickup,
                        dropoff,
                        worker,
                        at,
                        minutes,
                    )
                    dispute = disputes.pop() if disputes and rng.random() < 0.05 else None
                    finished = at + dt.timedelta(minutes=minutes + 15)
                    if dispute is None:
                        with clock.set_to(finished):
                            work_actions.complete_task(actor=client, task_id=task)
                        if rng.random() < 0.15:
                            with clock.set_to(finished + dt.timedelta(minutes=5)):
                                tip_task(
                                    actor=client,
                                    task_id=task,
                                    amount_minor=rng.choice((100, 200, 300)),
                                    key=f"demo-tip-{task}",
                                )
                    else:
                        _settle(alice, client, task, finished, dispute)
                    done += 1
                    at = at + dt.timedelta(minutes=minutes + rng.randint(3, 12))
                # Off when the last errand is delivered: the floor pays the waiting between.
                with clock.set_to(at):
                    work_actions.set_availability(actor=worker, available=False)
            translator = translators[(week * 5 + day) % len(translators)]
            done += _translation(shops["library"], translator, morning + dt.timedelta(hours=15))
        with clock.set_to(monday + dt.timedelta(days=7, hours=1)):
            close_period(actor=alice)
    return done


def _delivery(
    client: User,
    project: Project,
    title: str,
    pickup: places.Place,
    dropoff: places.Place,
    worker: User,
    at: dt.datetime,
    minutes: int,
) -> int:
    """Posted, taken, on the road step by step, delivered against the recipient's code."""
    with clock.set_to(at - dt.timedelta(minutes=10)):
        task = work_actions.post_task(
            actor=client,
            project_id=project.pk,
            title=title,
            kind="located",
            pickup=(pickup.lat, pickup.lon),
            dropoff=(dropoff.lat, dropoff.lon),
            pickup_address=pickup.label,
            dropoff_address=dropoff.label,
            region="riverside",
            estimated_minutes=minutes,
            deadline=at + dt.timedelta(hours=3),
            skills=[_("bike")],
        )
        work_actions.take_task(actor=worker, task_id=task.pk)
    with clock.set_to(at):
        work_actions.start_task(actor=worker, task_id=task.pk)
    with clock.set_to(at + dt.timedelta(minutes=4)):
        work_actions.record_step(actor=worker, task_id=task.pk, step="picked_up")
    with clock.set_to(at + dt.timedelta(minutes=minutes)):
        work_actions.deliver_task(actor=worker, task_id=task.pk, code=task.recipient_code)
    return task.pk


def _settle(
    alice: User, client: User, task_id: int, at: dt.datetime, dispute: tuple[str, str, str]
) -> None:
    reason, outcome, note = dispute
    with clock.set_to(at):
        opened = work_actions.dispute_task(actor=client, task_id=task_id, reason=_(reason))
    with clock.set_to(at + dt.timedelta(hours=20)):
        work_actions.resolve_dispute(
            actor=alice, dispute_id=opened.pk, outcome=outcome, note=_(note)
        )


def _translation(library: tuple[User, Project], translator: User, at: dt.datetime) -> int:
    client, project = library
    with clock.set_to(at - dt.timedelta(minutes=30)):
        task = work_actions.post_task(
            actor=client,
            project_id=project.pk,
            title=_("Translate the reading-club notice"),
            kind="remote",
            estimated_minutes=45,
            deadline=at + dt.timedelta(hours=8),
            skills=[_("translation")],
        )
        work_actions.take_task(actor=translator, task_id=task.pk)
    with clock.set_to(at):
        work_actions.start_task(actor=translator, task_id=task.pk)
    with clock.set_to(at + dt.timedelta(minutes=45)):
        work_actions.deliver_task(actor=translator, task_id=task.pk)
    with clock.set_to(at + dt.timedelta(hours=2)):
        work_actions.complete_task(actor=client, task_id=task.pk)
    return 1


def decisions(*, alice: User, workers: list[User], founded: dt.datetime) -> None:
    """An election of two stewards with statements and reasons, and a passed rule change
    with its outcome, each at the times the governed notice and voting allow."""
    marta, ivan, lena = (
        next(w for w in workers if w.username == n) for n in ("marta", "ivan", "lena")
    )
    start = founded + dt.timedelta(days=1, hours=9)
    with clock.set_to(start):
        election = governance.propose(
            kind="election",
            actor=alice,
            title=_("Stewards for the first year"),
            reason=_("Two seats: the founding steward's, and a second one for the new district."),
            content=ProposalContent(candidate_ids=[alice.pk, marta.pk, ivan.pk], seats=2),
            voting_opens_at=start + dt.timedelta(days=7),
            voting_closes_at=start + dt.timedelta(days=14),
        )
        governance.write_candidate_statement(
            actor=marta,
            proposal_id=election.pk,
            body=_("I ride four days a week. I want every dispute heard within two days."),
        )
        governance.write_candidate_statement(
            actor=ivan,
            proposal_id=election.pk,
            body=_("I keep the books for my football club; I would keep ours open too."),
        )
        governance.write_candidate_statement(
            actor=alice,
            proposal_id=election.pk,
            body=_("I founded the co-op and will hand over what I know."),
        )
    with clock.set_to(election.voting_opens_at + dt.timedelta(minutes=1)):
        governance.open_voting(proposal_id=election.pk)
    a, m, i = str(alice.pk), str(marta.pk), str(ivan.pk)
    # Most want continuity and a rider on the council: Alice and Marta are elected.
    orders = ([a, m, i], [m, a, i], [a, i, m], [m, i, a], [i, a, m])
    election_reasons = (
        _("Alice knows the books; Marta knows the road."),
        _("We need a rider among the stewards."),
        "",
        "",
        _("Ivan would keep the accounts open."),
    )
    with clock.set_to(election.voting_opens_at + dt.timedelta(hours=3)):
        for index, voter in enumerate([alice, *workers[:14]]):
            governance.cast_ballot(
                actor=voter,
                proposal_id=election.pk,
                choice="answer",
                answer=orders[index % len(orders)],
                reason=election_reasons[index % len(election_reasons)],
            )
    with clock.set_to(election.voting_closes_at + dt.timedelta(minutes=1)):
        governance.close_voting(proposal_id=election.pk)
        governance.write_outcome_statement(
            actor=alice,
            proposal_id=election.pk,
            body=_("Thank you for voting. The new stewards start today; their terms run a year."),
        )

    start = founded + dt.timedelta(days=12, hours=10)
    with clock.set_to(start):
        change = governance.propose(
            kind="parameter_change",
            actor=lena,
            title=_("Keep locations for two weeks, not four"),
            reason=_("Dispatch only needs today's positions; disputes are settled within days."),
            content=ProposalContent(changes={"location_retention_days": "14"}),
            voting_opens_at=start + dt.timedelta(days=2),
            voting_closes_at=start + dt.timedelta(days=5),
        )
    with clock.set_to(change.voting_opens_at + dt.timedelta(minutes=1)):
        governance.open_voting(proposal_id=change.pk)
    reasons = (
        _("Less kept, less to lose."),
        _("Two weeks is plenty for a dispute."),
        "",
    )
    with clock.set_to(change.voting_opens_at + dt.timedelta(hours=5)):
        for index, voter in enumerate([alice, *workers[:12]]):
            choice = "no" if index in (4, 9) else "yes"
            governance.cast_ballot(
                actor=voter,
                proposal_id=change.pk,
                choice=choice,
                reason=_("A month helps when a claim comes late.")
                if choice == "no"
                else reasons[index % len(reasons)],
            )
    with clock.set_to(change.voting_closes_at + dt.timedelta(minutes=1)):
        governance.close_voting(proposal_id=change.pk)
        governance.write_outcome_statement(
            actor=lena,
            proposal_id=change.pk,
            body=_("Passed: location points are deleted after 14 days from today."),
        )
