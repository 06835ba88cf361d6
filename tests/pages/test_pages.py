"""The server-rendered pages: who lands where, what each page lets a member do, and how
bad input and refused actions come back (a 4xx, the reason, and nothing changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from commonwork.core import clock
from commonwork.core.models import AuditEntry
from commonwork.members.models import Application, ApplicationStatus, User
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import Task
from commonwork.work.selectors import is_available

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def refreshed(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- landing, log-in and home ---------------------------------------------------------


def test_the_landing_page_explains_the_coop_to_anyone(alice: User) -> None:
    response = Client().get("/")
    assert response.status_code == 200
    assert b"Riverside Couriers" in response.content
    assert b"One member, one vote." in response.content  # the bylaws


@pytest.mark.parametrize(
    ("who", "home"),
    [("bob", "/work/"), ("dan", "/client/"), ("alice", "/steward/"), ("erin", "/application/")],
)
def test_each_member_lands_on_their_own_home(
    request: Any, bob: User, dan: User, erin: User, who: str, home: str
) -> None:
    user = request.getfixturevalue(who)
    response = client_for(user).get("/home/")
    assert response.status_code == 302
    assert response["Location"] == home


def test_logging_in_with_the_form_takes_a_worker_to_their_work(bob: User) -> None:
    from tests.conftest import PASSWORD

    response = Client().post("/login/", {"username": "bob", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/work/"
    assert b'data-testid="availability-switch"' in response.content


def test_a_wrong_password_is_refused_on_the_form(bob: User) -> None:
    response = Client().post("/login/", {"username": "bob", "password": "nope"})
    assert response.status_code == 200
    assert b"errorlist" in response.content
    assert "_auth_user_id" not in Client().session


def test_pages_that_need_a_log_in_send_visitors_to_it(alice: User) -> None:
    for path in ("/work/", "/client/", "/steward/", "/account/", "/tasks/1/"):
        response = Client().get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/login/?next="), path


# --- the worker's home ------------------------------------------------------------------


def test_a_worker_switches_availability_and_htmx_gets_the_switch_back(bob: User) -> None:
    client = client_for(bob)
    response = client.post("/work/availability/", {"available": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert is_available(bob)
    assert b'aria-pressed="true"' in response.content
    assert b"<html" not in response.content  # a fragment, swapped in place
    client.post("/work/availability/", {"available": "off"})
    assert not is_available(bob)


def test_availability_needs_a_clear_answer(bob: User) -> None:
    response = client_for(bob).post("/work/availability/", {"available": "maybe"})
    assert response.status_code == 400
    assert not is_available(bob)


def test_a_client_cannot_switch_availability(dan: User) -> None:
    response = client_for(dan).post("/work/availability/", {"available": "on"})
    assert response.status_code == 403
    assert b'data-testid="refusal"' in response.content


def test_the_board_shows_open_tasks_with_a_take_button(bob: User, open_task: Task) -> None:
    response = client_for(bob).get("/work/")
    assert f'data-testid="take-task-{open_task.pk}"'.encode() in response.content
    assert open_task.title.encode() in response.content


def test_the_board_refreshes_as_a_fragment_and_opens_as_a_page(bob: User, open_task: Task) -> None:
    response = client_for(bob).get("/work/board/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert open_task.title.encode() in response.content
    # Opened directly (a bookmark, a reload): a whole page around it.
    page = client_for(bob).get("/work/board/")
    assert b"<html" in page.content
    assert open_task.title.encode() in page.content


def test_a_worker_takes_a_task_from_the_board(bob: User, open_task: Task) -> None:
    response = client_for(bob).post(f"/tasks/{open_task.pk}/take/", {"next": "/work/"})
    assert response.status_code == 302
    assert response["Location"] == "/work/"
    assert refreshed(open_task).worker_id == bob.pk


def test_taking_a_taken_task_says_so_and_changes_nothing(
    bob: User, carol: User, open_task: Task
) -> None:
    client_for(bob).post(f"/tasks/{open_task.pk}/take/")
    entries = AuditEntry.objects.count()
    response = client_for(carol).post(f"/tasks/{open_task.pk}/take/")
    assert response.status_code == 404  # no longer on the board, so not visible to Carol
    assert refreshed(open_task).worker_id == bob.pk
    assert AuditEntry.objects.count() == entries


def test_an_illegal_transition_is_refused_on_the_task_page(
    bob: User, dan: User, open_task: Task
) -> None:
    response = client_for(dan).post(f"/tasks/{open_task.pk}/complete/")
    assert response.status_code == 409
    assert b'data-testid="refusal"' in response.content
    assert refreshed(open_task).status == TaskStatus.OPEN


def test_a_worker_cannot_start_another_workers_task(
    bob: User, carol: User, open_task: Task
) -> None:
    client_for(bob).post(f"/tasks/{open_task.pk}/take/")
    response = client_for(carol).post(f"/tasks/{open_task.pk}/start/")
    assert response.status_code in (403, 404)
    assert refreshed(open_task).status == TaskStatus.ACCEPTED


def test_an_unknown_transition_or_task_is_not_found(bob: User, open_task: Task) -> None:
    client = client_for(bob)
    assert client.post(f"/tasks/{open_task.pk}/teleport/").status_code == 404
    assert client.get("/tasks/999999/").status_code == 404


def test_transitions_only_accept_post(bob: User, open_task: Task) -> None:
    response = client_for(bob).get(f"/tasks/{open_task.pk}/take/")
    assert response.status_code == 405
    assert refreshed(open_task).worker_id is None


# --- the task page ----------------------------------------------------------------------


def test_the_task_page_shows_the_project_purpose_buttons_and_history(
    bob: User, dan: User, open_task: Task
) -> None:
    worker = client_for(bob)
    worker.post(f"/tasks/{open_task.pk}/take/")
    page = worker.get(f"/tasks/{open_task.pk}/").content.decode()
    assert open_task.project.purpose in page
    assert 'data-testid="task-start"' in page
    assert 'data-testid="task-complete"' not in page  # that button is the client's
    assert "Taken from the board" in page
    client_page = client_for(dan).get(f"/tasks/{open_task.pk}/").content.decode()
    assert 'data-testid="task-start"' not in client_page


def test_the_whole_journey_through_the_pages(bob: User, dan: User, open_task: Task) -> None:
    worker, client = client_for(bob), client_for(dan)
    for step in ("take", "start", "deliver"):
        assert worker.post(f"/tasks/{open_task.pk}/{step}/").status_code == 302, step
    assert client.post(f"/tasks/{open_task.pk}/complete/").status_code == 302
    assert refreshed(open_task).status == TaskStatus.COMPLETED


def test_a_client_disputes_a_delivery_and_a_steward_resolves_it(
    alice: User, bob: User, dan: User, open_task: Task
) -> None:
    worker, client = client_for(bob), client_for(dan)
    for step in ("take", "start", "deliver"):
        worker.post(f"/tasks/{open_task.pk}/{step}/")
    assert client.post(f"/tasks/{open_task.pk}/dispute/", {"reason": ""}).status_code == 400
    assert refreshed(open_task).status == TaskStatus.DELIVERED
    client.post(f"/tasks/{open_task.pk}/dispute/", {"reason": "Half the basket was missing."})
    assert refreshed(open_task).status == TaskStatus.DISPUTED
    steward = client_for(alice)
    console = steward.get("/steward/").content.decode()
    assert "Half the basket was missing." in console
    dispute = open_task.disputes.get()
    response = steward.post(
        f"/disputes/{dispute.pk}/resolve/", {"outcome": "redo", "note": "Bring the rest."}
    )
    assert response.status_code == 302
    assert refreshed(open_task).status == TaskStatus.IN_PROGRESS


# --- the client's home ------------------------------------------------------------------


def _task_form(project_id: int, **overrides: Any) -> dict[str, Any]:
    deadline = clock.now() + dt.timedelta(hours=5)
    form = {
        "project": project_id,
        "title": "Carry a parcel",
        "kind": "located",
        "estimated_minutes": 30,
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "skills": "bike",
        "pickup_lat": 52.52,
        "pickup_lon": 13.40,
        "dropoff_lat": 52.53,
        "dropoff_lon": 13.42,
    }
    form.update(overrides)
    return form


def test_a_client_posts_a_task_priced_by_the_tariff(dan: User, project: Any) -> None:
    response = client_for(dan).post("/client/tasks/", _task_form(project.pk))
    assert response.status_code == 302
    task = Task.objects.get(title="Carry a parcel")
    assert response["Location"] == f"/tasks/{task.pk}/"
    assert task.status == TaskStatus.OPEN
    assert task.price_minor > 0


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"estimated_minutes": -5}, b"greater than or equal to 1"),
        ({"pickup_lat": 123.0}, b"between -90 and 90"),
        ({"dropoff_lon": ""}, b"needs this coordinate"),
        ({"kind": "teleport"}, b"Select a valid choice"),
        ({"deadline": "yesterday"}, b"Enter a valid date/time"),
    ],
)
def test_bad_task_input_is_refused_on_the_form_and_nothing_is_posted(
    dan: User, project: Any, overrides: dict[str, Any], field_message: bytes
) -> None:
    response = client_for(dan).post("/client/tasks/", _task_form(project.pk, **overrides))
    assert response.status_code == 400
    assert field_message in response.content
    assert not Task.objects.filter(title="Carry a parcel").exists()


def test_a_client_cannot_post_into_another_clients_project(
    dan: User, make_member: Any, project: Any
) -> None:
    other = make_member("olga", "client")
    response = client_for(other).post("/client/tasks/", _task_form(project.pk))
    assert response.status_code == 400  # not among her projects: the form offers only hers
    assert not Task.objects.filter(title="Carry a parcel").exists()


def test_a_client_creates_a_project(dan: User, tariff: Any) -> None:
    client = client_for(dan)
    assert client.post("/client/projects/", {"title": "", "purpose": "x"}).status_code == 400
    response = client.post("/client/projects/", {"title": "Books", "purpose": "Library runs."})
    assert response.status_code == 302
    assert b"Library runs." in client.get("/client/").content


def test_a_worker_is_refused_the_client_home(bob: User) -> None:
    assert client_for(bob).get("/client/").status_code == 403


# --- joining and the steward console -----------------------------------------------------


def test_a_visitor_joins_and_a_steward_admits_them(alice: User) -> None:
    visitor = Client()
    response = visitor.post(
        "/join/",
        {
            "username": "frank",
            "password": "a-long-enough-passphrase",
            "role": "worker",
            "motivation": "I ride every day.",
            "skills": "bike, van",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/application/"
    assert b"I ride every day." in visitor.get("/application/").content
    application = Application.objects.get(applicant__username="frank")
    assert application.skills == ["bike", "van"]

    steward = client_for(alice)
    assert b"I ride every day." in steward.get("/steward/").content
    steward.post(f"/steward/applications/{application.pk}/admit/", {"note": "Welcome!"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ADMITTED
    assert visitor.get("/home/")["Location"] == "/work/"


def test_joining_with_a_taken_username_creates_nothing(alice: User, bob: User) -> None:
    users = User.objects.count()
    response = Client().post(
        "/join/",
        {
            "username": "bob",
            "password": "a-long-enough-passphrase",
            "role": "worker",
            "motivation": "Me too.",
        },
    )
    assert response.status_code == 409
    assert b"That username is taken." in response.content
    assert User.objects.count() == users


def test_a_weak_password_leaves_no_log_in_behind(alice: User) -> None:
    response = Client().post(
        "/join/",
        {"username": "gina", "password": "12345678", "role": "client", "motivation": "Hi."},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="gina").exists()


def test_only_stewards_see_the_console_or_decide(bob: User, erin: User) -> None:
    application = Application.objects.create(
        applicant=erin, role="worker", motivation="Please.", submitted_at=clock.now()
    )
    worker = client_for(bob)
    assert worker.get("/steward/").status_code == 403
    response = worker.post(f"/steward/applications/{application.pk}/admit/")
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_a_steward_suspends_a_member_with_a_reason(alice: User, bob: User) -> None:
    steward = client_for(alice)
    membership = bob.membership
    no_reason = steward.post(
        f"/steward/members/{membership.pk}/status/", {"status": "suspended", "reason": ""}
    )
    assert no_reason.status_code == 400
    steward.post(
        f"/steward/members/{membership.pk}/status/",
        {"status": "suspended", "reason": "Asked for a pause."},
    )
    membership.refresh_from_db()
    assert membership.status == "suspended"


# --- account: skills and API tokens -----------------------------------------------------


def test_a_member_creates_a_token_sees_it_once_and_revokes_it(bob: User) -> None:
    client = client_for(bob)
    response = client.post("/account/tokens/", {"name": "my script"})
    assert response.status_code == 201
    plain = response.context["new_token"]
    assert plain.encode() in response.content
    assert plain.encode() not in client.get("/account/").content  # shown once only
    api = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert api.get("/api/v1/availability").status_code == 200
    token = bob.api_tokens.get()
    client.post(f"/account/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/availability").status_code == 401


def test_a_member_cannot_revoke_someone_elses_token(bob: User, carol: User) -> None:
    client_for(bob).post("/account/tokens/", {"name": "mine"})
    token = bob.api_tokens.get()
    assert client_for(carol).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_worker_updates_their_skills(bob: User) -> None:
    client_for(bob).post("/account/skills/", {"skills": "bike, cargo bike"})
    bob.membership.refresh_from_db()
    assert bob.membership.skills == ["bike", "cargo bike"]


def test_a_refusal_says_nothing_changed_only_when_something_was_sent(bob: User, dan: User) -> None:
    viewing = client_for(bob).get("/books/")  # a steward's page
    assert viewing.status_code == 403
    assert b'data-testid="refusal"' in viewing.content
    assert b"Nothing was changed" not in viewing.content
    sent = client_for(bob).post(
        "/work/availability/", {"available": "maybe"}, HTTP_REFERER="http://testserver/work/"
    )
    assert sent.status_code == 400
    page = sent.content.decode()
    assert "Nothing was changed" in page
    assert 'href="http://testserver/work/"' in page


def test_every_step_on_a_task_is_confirmed_once(bob: User, open_task: Task) -> None:
    client = client_for(bob)
    taken = client.post(f"/tasks/{open_task.pk}/take/", follow=True).content.decode()
    assert "The task is yours" in taken
    again = client.get(f"/tasks/{open_task.pk}/").content.decode()
    assert "The task is yours" not in again  # shown once
    started = client.post(f"/tasks/{open_task.pk}/start/", follow=True).content.decode()
    assert "Started." in started
