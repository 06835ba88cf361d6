"""The worker's home, the client's home and the task page. Each view checks input with a
form, calls one action or selector, and renders; refusals come back as 4xx pages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commonwork.core.errors import DomainError
from commonwork.core.pages import (
    add_domain_error,
    render_form_error,
    render_invalid_form,
    render_refusal,
)
from commonwork.core.panels import Panel
from commonwork.members.forms import split_skills
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.models import Membership, Role, User
from commonwork.members.selectors import require_role
from commonwork.vault.keys import unseal_bytes
from commonwork.work import actions, maps, places, selectors
from commonwork.work.forms import (
    CancelForm,
    DeliverForm,
    PreferencesForm,
    ProjectForm,
    ReasonForm,
    ResolveDisputeForm,
    TaskForm,
)
from commonwork.work.models import Task
from commonwork.work.panels import task_page
from commonwork.work.selectors import WORKING_ROLES
from commonwork.work.templatetags.work_labels import status_label

ACTIVE_STATUSES = ("accepted", "in_progress", "delivered", "disputed")


def _back_or(request: AuthenticatedRequest, fallback: str) -> str:
    """Where a button asked to return to (same site only), else the fallback."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- the worker's home ------------------------------------------------------------------


def _worker_context(request: AuthenticatedRequest) -> dict[str, Any]:
    mine = selectors.tasks_of_worker(request.user)
    return {
        **availability_context(request.user),
        "offers": selectors.pending_offers_for(request.user),
        "my_tasks": mine.filter(status__in=ACTIVE_STATUSES),
        "done_tasks": mine.exclude(status__in=ACTIVE_STATUSES)[:10],
        "board": selectors.open_board(request.user)[:50],
        "share_seconds": selectors.location_share_seconds(),
        "vapid_public_key": settings.COMMONWORK_VAPID_PUBLIC_KEY,
    }


@login_required
def worker_home(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user, *WORKING_ROLES)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "work/worker_home.html", _worker_context(request))


@login_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    """The open board alone, for htmx to refresh in place; opened directly (a bookmark,
    a reload), the worker's page around it."""
    try:
        tasks = selectors.open_board(request.user)[:50]
    except DomainError as error:
        return render_refusal(request, error)
    template = "work/_board.html" if request.htmx else "work/board.html"  # type: ignore[attr-defined]
    return render(request, template, {"board": tasks})


@login_required
@require_POST
def availability(request: AuthenticatedRequest) -> HttpResponse:
    """Only the worker switches it. The form says which way, so a double click is harmless."""
    wanted = request.POST.get("available")
    if wanted not in ("on", "off", "still"):
        return render_refusal(
            request, DomainError("invalid", _("Say whether you are available."), field="available")
        )
    typed = request.POST.get("hours", "").strip() if wanted == "on" else ""
    try:
        hours = float(typed) if typed else None
    except ValueError:
        return render_refusal(
            request, DomainError("invalid", _("Give the hours as a number."), field="hours")
        )
    try:
        if wanted == "still":
            actions.confirm_availability(actor=request.user)
        else:
            actions.set_availability(actor=request.user, available=wanted == "on", hours=hours)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(
        request,
        {
            "on": _("You are available: offers come to this page."),
            "off": _("You are not available now: no offers until you switch it on."),
            "still": _("Thank you: you stay available."),
        }[wanted],
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "work/_availability.html", availability_context(request.user))
    return redirect("worker_home")


def availability_context(worker: User) -> dict[str, Any]:
    """What the availability switch shows: the state, until when, the default shift."""
    period = selectors.open_availability(worker)
    return {
        "available": period is not None,
        "until": period.planned_end if period else None,
        "default_hours": selectors.default_shift_hours(),
    }


@login_required
@require_POST
def respond_to_offer(request: AuthenticatedRequest, offer_id: int, answer: str) -> HttpResponse:
    try:
        if answer == "accept":
            task = actions.accept_offer(actor=request.user, offer_id=offer_id)
            return redirect("task_detail", task_id=task.pk)
        if answer == "decline":
            actions.decline_offer(actor=request.user, offer_id=offer_id)
            messages.info(request, _("Declined. This is never held against you."))
            return redirect("worker_home")
    except DomainError as error:
        return render_refusal(request, error)
    raise Http404


# --- the task page ----------------------------------------------------------------------


def _history_with_names(actor: User, task: Task, worker_name: str) -> list[tuple[Any, str]]:
    """The task's steps with who took each, in words for this page."""
    return [
        (entry, _("the platform") if name is None else (name or _("the worker")))
        for entry, name in selectors.task_history(actor, task.pk, worker_name=worker_name)
    ]


def _task_context(request: AuthenticatedRequest, task: Task) -> dict[str, Any]:
    allowed = selectors.actions_for(request.user, task)
    panels = task_page.render(request, task)
    worker_name = selectors.worker_name_for(request.user, task)
    worker_at = selectors.worker_position_for(request.user, task)
    return {
        "map": maps.map_settings(),
        "map_points": maps.task_points(task, worker_at),
        "pins": maps.pin_letters(),
        "open_pickup": maps.open_in_maps(task.pickup_lat, task.pickup_lon),
        "open_dropoff": maps.open_in_maps(task.dropoff_lat, task.dropoff_lon),
        "proofs": selectors.delivery_proofs_for(request.user, task),
        "deliver_form": DeliverForm(),
        "steps": selectors.road_steps_for(request.user, task),
        "show_code": task.project.client_id == request.user.pk and bool(task.recipient_code),
        "panels": panels,
        "task": task,
        "worker_name": worker_name,
        "project": task.project,
        "allowed": allowed,
        "simple_actions": [name for name in allowed if name in actions.SIMPLE_TRANSITIONS],
        "history": _history_with_names(request.user, task, worker_name),
        "dispute_form": ReasonForm(),
        "cancel_form": CancelForm(),
    }


def _render_task(
    request: AuthenticatedRequest, task_id: int, *, status: int = 200, **extra: Any
) -> HttpResponse:
    try:
        task = selectors.access_task_by_id(request.user, task_id)
    except DomainError as error:
        return render_refusal(request, error)
    context = _task_context(request, task) | extra
    return render(request, "work/task_detail.html", context, status=status)


@login_required
def task_detail(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    return _render_task(request, task_id)


@login_required
@require_POST
def task_transition(request: AuthenticatedRequest, task_id: int, transition: str) -> HttpResponse:
    """The buttons on the task page and the board: take, start, deliver, complete, ..."""
    action = actions.SIMPLE_TRANSITIONS.get(transition)
    if action is None:
        raise Http404
    try:
        action(actor=request.user, task_id=task_id)
    except DomainError as error:
        return _render_task(request, task_id, status=error.status, error=error)
    messages.success(request, str(DONE_MESSAGES[transition]))
    return redirect(_back_or(request, reverse("task_detail", args=[task_id])))


STEP_MESSAGES: dict[str, Any] = {
    actions.Step.ARRIVED: gettext_lazy("Arrival at the pickup noted: the client sees it."),
    actions.Step.PICKED_UP: gettext_lazy("Picked up: the client sees it. Now to the drop-off."),
}


@login_required
@require_POST
def task_step(request: AuthenticatedRequest, task_id: int, step: str) -> HttpResponse:
    if step not in STEP_MESSAGES:
        raise Http404
    try:
        actions.record_step(actor=request.user, task_id=task_id, step=step)
    except DomainError as error:
        return _render_task(request, task_id, status=error.status, error=error)
    messages.success(request, str(STEP_MESSAGES[step]))
    return redirect("task_detail", task_id=task_id)


@login_required
@require_POST
def task_deliver(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    """Delivering, with the recipient's code or a photo when the worker has one."""
    form = DeliverForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_task(request, task_id, status=400, deliver_form=form)
    upload = form.cleaned_data.get("photo")
    try:
        if upload is not None:
            actions.check_proof_size(upload.size)  # before reading it into memory
        actions.deliver_task(
            actor=request.user,
            task_id=task_id,
            code=form.cleaned_data["code"],
            photo=upload.read() if upload is not None else None,
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _render_task(request, task_id, status=error.status, deliver_form=form)
    messages.success(request, str(DONE_MESSAGES["deliver"]))
    return redirect("task_detail", task_id=task_id)


@login_required
def task_live(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    """What the task page's map refreshes: the status and, when it may be shown, where
    the worker is now."""
    try:
        task = selectors.access_task_by_id(request.user, task_id)
    except DomainError as error:
        return JsonResponse({"error": error.code}, status=error.status)
    worker_at = selectors.worker_position_for(request.user, task)
    return JsonResponse(
        {
            "status": task.status,
            "status_label": status_label(task.status),
            "worker": list(worker_at) if worker_at else None,
            "arrived": task.arrived_at is not None,
            "picked_up": task.picked_up_at is not None,
        }
    )


@login_required
def proof_photo(request: AuthenticatedRequest, task_id: int, proof_id: int) -> HttpResponse:
    """A delivery's proof photo, to those `delivery_proofs_for` allows (read logged)."""
    try:
        task = selectors.access_task_by_id(request.user, task_id)
    except DomainError as error:
        return render_refusal(request, error)
    proof = next(
        (p for p in selectors.delivery_proofs_for(request.user, task) if p.pk == proof_id), None
    )
    if proof is None or proof.sealed_photo is None:
        raise Http404
    data = unseal_bytes(proof.worker_id, proof.sealed_photo)
    if data is None:  # the worker's data was erased
        raise Http404
    response = HttpResponse(data, content_type=proof.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What each button did, said once after it (Django messages, in the reader's language).
DONE_MESSAGES = {
    "publish": gettext_lazy("The task is on the board."),
    "take": gettext_lazy("The task is yours. Start it when you set off."),
    "release": gettext_lazy("Given back to the board. This is never held against you."),
    "start": gettext_lazy("Started. Mark it delivered when it is done."),
    "deliver": gettext_lazy("Delivered. The client is asked to confirm."),
    "complete": gettext_lazy("Completed: the worker is paid with the next statement."),
}


@login_required
@require_POST
def task_dispute(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _render_task(request, task_id, status=400, dispute_form=form)
    try:
        actions.dispute_task(
            actor=request.user,
            task_id=task_id,
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        return _render_task(request, task_id, status=error.status, error=error)
    messages.success(request, _("The dispute is open: a steward will hear both sides."))
    return redirect("task_detail", task_id=task_id)


@login_required
@require_POST
def task_cancel(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.cancel_task(actor=request.user, task_id=task_id, reason=reason)
    except DomainError as error:
        return _render_task(request, task_id, status=error.status, error=error)
    messages.success(request, _("The task is cancelled; nobody will be offered it."))
    return redirect("task_detail", task_id=task_id)


@login_required
@require_POST
def resolve_dispute(request: AuthenticatedRequest, dispute_id: int) -> HttpResponse:
    form = ResolveDisputeForm(request.POST)
    if not form.is_valid():
        return render_refusal(
            request,
            DomainError("invalid", _("Choose an outcome and explain it to both sides.")),
        )
    try:
        actions.resolve_dispute(
            actor=request.user,
            dispute_id=dispute_id,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The dispute is resolved."))
    return redirect("steward_console")


# --- the client's home ------------------------------------------------------------------


def _client_context(
    request: AuthenticatedRequest,
    *,
    project_form: ProjectForm | None = None,
    task_form: TaskForm | None = None,
) -> dict[str, Any]:
    projects = selectors.projects_of_client(request.user)
    choices = [(project.pk, project.title) for project in projects]
    default_deadline = timezone.localtime() + dt.timedelta(hours=4)
    return {
        "projects": projects,
        "tasks": [
            (task, selectors.worker_name_for(request.user, task))
            for task in selectors.tasks_of_client(request.user)[:50]
        ],
        "tariff": selectors.current_tariff(),
        "map": maps.map_settings(),
        "pins": maps.pin_letters(),
        "project_form": project_form or ProjectForm(),
        "task_form": task_form
        or TaskForm(
            projects=choices,
            initial={
                "deadline": default_deadline.replace(second=0, microsecond=0),
                "kind": "located",  # a courier co-op's usual task; remote is one tap away
            },
        ),
    }


@login_required
def client_home(request: AuthenticatedRequest) -> HttpResponse:
    try:
        require_role(request.user, Role.CLIENT, Role.STEWARD)
    except DomainError as error:
        return render_refusal(request, error)
    return render(request, "work/client_home.html", _client_context(request))


@login_required
@require_POST
def create_project(request: AuthenticatedRequest) -> HttpResponse:
    form = ProjectForm(request.POST)
    context = _client_context(request, project_form=form)
    if not form.is_valid():
        return render_invalid_form(request, "work/client_home.html", context)
    try:
        actions.create_project(
            actor=request.user,
            title=form.cleaned_data["title"],
            purpose=form.cleaned_data["purpose"],
        )
    except DomainError as error:
        return render_form_error(request, "work/client_home.html", context, form, error)
    messages.success(request, _("The project is created."))
    return redirect("client_home")


@login_required
@require_POST
def post_task(request: AuthenticatedRequest) -> HttpResponse:
    choices = [(p.pk, p.title) for p in selectors.projects_of_client(request.user)]
    form = TaskForm(request.POST, projects=choices)
    context = _client_context(request, task_form=form)
    if not form.is_valid():
        return render_invalid_form(request, "work/client_home.html", context)
    data = form.cleaned_data
    try:
        task = actions.post_task(
            actor=request.user,
            project_id=data["project"],
            title=data["title"],
            description=data["description"],
            kind=data["kind"],
            estimated_minutes=data["estimated_minutes"],
            deadline=data["deadline"],
            skills=split_skills(data["skills"]),
            pickup=TaskForm.point(data, "pickup"),
            dropoff=TaskForm.point(data, "dropoff"),
            pickup_address=data["pickup_address"],
            dropoff_address=data["dropoff_address"],
        )
    except DomainError as error:
        # A pin's coordinates are hidden inputs: their errors go on the address beside them.
        for end in ("pickup", "dropoff"):
            if error.field in (f"{end}_lat", f"{end}_lon"):
                error.field = f"{end}_address"
        return render_form_error(request, "work/client_home.html", context, form, error)
    messages.success(request, _("The task is posted on the board."))
    return redirect("task_detail", task_id=task.pk)


def steward_disputes_panel(request: HttpRequest, membership: Membership) -> Panel:
    """The open disputes on the steward console; both parties' names and words are read
    through the vault's gate, into their access logs."""
    return "work/_steward_disputes.html", {
        "disputes": selectors.open_disputes(membership.user),
        "resolve_form": ResolveDisputeForm(),
    }


# --- the worker's phone: location, offers, limits, pushes -------------------------------


def _point_in(data: Any) -> tuple[float, float] | None:
    """The `lat` and `lon` a page's script sent, as numbers on the globe, or None."""
    try:
        lat, lon = float(data.get("lat", "")), float(data.get("lon", ""))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses NaN
        return None
    return lat, lon


def _json_error(
    code: str, message: str, status: int = 400, *, field: str | None = None
) -> JsonResponse:
    """A refusal for the page's scripts, in the API's error shape."""
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


@login_required
@require_POST
def share_location(request: AuthenticatedRequest) -> HttpResponse:
    """The phone's position while available (static/js/worker.js sends it at most every
    `location_share_seconds`). Refused when not available: nobody is tracked off shift."""
    point = _point_in(request.POST)
    if point is None:
        return _json_error("invalid", _("Give lat and lon as numbers."))
    try:
        actions.report_location(actor=request.user, lat=point[0], lon=point[1])
    except DomainError as error:
        return _json_error(error.code, error.localized(), error.status, field=error.field)
    return JsonResponse({"recorded": True, "every_seconds": selectors.location_share_seconds()})


@login_required
def offers_fragment(request: AuthenticatedRequest) -> HttpResponse:
    """The offers waiting for this worker, for the page to poll (no Web Push keys)."""
    try:
        require_role(request.user, *WORKING_ROLES)
    except DomainError as error:
        return render_refusal(request, error)
    return render(
        request, "work/_offers.html", {"offers": selectors.pending_offers_for(request.user)}
    )


def _preferences_initial(worker: User) -> dict[str, Any]:
    current = selectors.work_preferences(worker)
    if current is None:
        return {"areas": []}
    return {
        "max_distance_km": current.max_distance_km,
        "kinds": current.kinds,
        "areas": current.areas,
    }


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    """The worker's own limits: distance, kinds of task, areas drawn on the map."""
    try:
        require_role(request.user, *WORKING_ROLES)
    except DomainError as error:
        return render_refusal(request, error)
    form = PreferencesForm(request.POST or None, initial=_preferences_initial(request.user))
    context = {"form": form, "map": maps.map_settings()}
    if request.method != "POST":
        return render(request, "work/preferences.html", context)
    if not form.is_valid():
        return render_invalid_form(request, "work/preferences.html", context)
    try:
        actions.set_work_preferences(
            actor=request.user,
            max_distance_km=form.cleaned_data["max_distance_km"],
            kinds=form.cleaned_data["kinds"],
            areas=form.cleaned_data["areas"],
        )
    except DomainError as error:
        return render_form_error(request, "work/preferences.html", context, form, error)
    messages.success(request, _("Your limits are saved: dispatch keeps to them."))
    return redirect("worker_home")


@login_required
@require_POST
def push_subscription(request: AuthenticatedRequest) -> HttpResponse:
    """The browser's Web Push subscription (JSON as PushSubscription.toJSON gives it),
    or {"off": true} to stop pushes."""
    try:
        body = json.loads(request.body or b"{}")
        if body.get("off"):
            actions.unsubscribe_from_push(actor=request.user)
            return JsonResponse({"subscribed": False})
        keys = body.get("keys") or {}
        actions.subscribe_to_push(
            actor=request.user,
            endpoint=str(body.get("endpoint", "")),
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
        )
    except (ValueError, AttributeError):
        return JsonResponse(
            {"code": "invalid", "message": _("Send the subscription as JSON.")}, status=400
        )
    except DomainError as error:
        return _json_error(error.code, error.localized(), error.status, field=error.field)
    return JsonResponse({"subscribed": True})


# --- places -------------------------------------------------------------------------------


def _place_json(place: places.Place) -> dict[str, Any]:
    return {"label": place.label, "lat": place.lat, "lon": place.lon}


@login_required
def places_search(request: AuthenticatedRequest) -> HttpResponse:
    """Places for the address box, from the configured geocoder."""
    query = request.GET.get("q", "")[:200]
    try:
        found = places.geocoder().search(query, limit=8)
    except places.GeocoderUnavailableError:
        return JsonResponse([], safe=False, status=503)
    return JsonResponse([_place_json(p) for p in found], safe=False)


@login_required
def places_reverse(request: AuthenticatedRequest) -> HttpResponse:
    """The named place at a dropped pin, if any (else null: the pin alone counts)."""
    point = _point_in(request.GET)
    if point is None:
        return _json_error("invalid", _("Give lat and lon as numbers."))
    try:
        place = places.geocoder().reverse(*point)
    except places.GeocoderUnavailableError:
        return JsonResponse(None, safe=False, status=503)
    return JsonResponse(None if place is None else _place_json(place), safe=False)
