"""Federation over HTTP: the documents peers read (WebFinger, NodeInfo, the actor), the
inbox they post to, and the stewards' page of linked co-ops."""

from __future__ import annotations

import datetime as dt
import json
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from commonwork.core import clock
from commonwork.core.errors import DomainError
from commonwork.core.pages import render_refusal
from commonwork.federation import actions, documents, selectors
from commonwork.federation.actions import overflow
from commonwork.ledger.actions import payouts
from commonwork.members.http import AuthenticatedRequest
from commonwork.members.selectors import active_membership, is_steward

MAX_INBOX_BODY = 1_000_000
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")


def _json(document: dict[str, Any], content_type: str, status: int = 200) -> JsonResponse:
    answer = JsonResponse(document, status=status, json_dumps_params={"ensure_ascii": False})
    answer["Content-Type"] = content_type
    answer["Access-Control-Allow-Origin"] = "*"
    return answer


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    resource = request.GET.get("resource", "")
    host = urlsplit(actions.origin()).netloc
    if resource not in (f"acct:coop@{host}", actions.actor_url()):
        return JsonResponse({"error": "unknown resource"}, status=404)
    return _json(documents.webfinger(origin=actions.origin(), host=host), "application/jrd+json")


@require_GET
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return _json(documents.nodeinfo_links(actions.origin()), "application/json")


def _version() -> str:
    try:
        return version("commonwork")
    except PackageNotFoundError:
        return "0"


@require_GET
def nodeinfo(request: HttpRequest) -> HttpResponse:
    return _json(
        documents.nodeinfo(version=_version(), **selectors.what_we_offer()),
        'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
    )


@require_GET
def actor(request: HttpRequest) -> HttpResponse:
    wanted = request.headers.get("Accept", "")
    if "text/html" in wanted and not any(t in wanted for t in ACTIVITY_TYPES):
        return redirect("federation_peers")
    return _json(actions.actor_document(), "application/activity+json")


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "@context": documents.AS,
            "id": f"{actions.origin()}/federation/outbox",
            "type": "OrderedCollection",
            "totalItems": 0,
            "orderedItems": [],
        },
        "application/activity+json",
    )


@csrf_exempt
@require_POST
def inbox(request: HttpRequest) -> HttpResponse:
    """A peer's activity: its signature verified (refusals logged with why), then acted
    on once. Answers 202 when accepted, and the reason when not."""
    if int(request.headers.get("Content-Length") or 0) > MAX_INBOX_BODY:
        return JsonResponse({"error": "too large"}, status=413)
    body = request.body
    url = actions.origin() + request.get_full_path()
    headers = dict(request.headers.items())
    try:
        verified = actions.verify_request("POST", url, headers, body, path=request.path)
        try:
            activity = json.loads(body)
        except ValueError:
            raise actions._refuse("the body is not JSON", path=request.path, status=400) from None
        if not isinstance(activity, dict):
            raise actions._refuse("the body is not an object", path=request.path, status=400)
        outcome = actions.receive(activity, verified, path=request.path)
    except actions.Refused as refused:
        return JsonResponse({"error": refused.reason}, status=refused.status)
    except DomainError as error:
        return JsonResponse({"error": error.message}, status=422)
    return JsonResponse({"outcome": outcome}, status=202)


def observatory(request: HttpRequest) -> HttpResponse:
    """The federated observatory: what each linked co-op published beside ours."""
    return render(
        request,
        "federation/observatory.html",
        {"statistics": selectors.federated_observatory()},
    )


# --- the stewards' page -------------------------------------------------------------------


@login_required
def peers(request: AuthenticatedRequest) -> HttpResponse:
    steward = active_membership(request.user) is not None and is_steward(request.user)
    return render(
        request,
        "federation/peers.html",
        {
            "steward": steward,
            "by_vote": actions.by_vote(),
            "peers": selectors.peers_with_queues(clock.now()),
            "refusals": selectors.recent_refusals() if steward else [],
            "handle": f"coop@{urlsplit(actions.origin()).netloc}",
            "since": clock.now() - dt.timedelta(days=7),
            **(selectors.shared_work() if steward else {}),
        },
    )


@login_required
@require_POST
def offer_task(request: AuthenticatedRequest, task_id: int) -> HttpResponse:
    try:
        overflow.offer_to_peers(actor=request.user, task_id=task_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Offered to the linked co-ops. The first to take it on does it."))
    return redirect("federation_peers")


@login_required
@require_POST
def take_on(request: AuthenticatedRequest, mirror_id: int) -> HttpResponse:
    try:
        overflow.take_on(actor=request.user, mirror_id=mirror_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("We offered to do it. If they accept, it comes to our board."))
    return redirect("federation_peers")


@login_required
@require_POST
def link(request: AuthenticatedRequest) -> HttpResponse:
    try:
        peer = actions.link_with(actor=request.user, handle=request.POST.get("handle", ""))
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(
        request, _("Asked %(name)s to link. They decide by their own rules.") % {"name": peer}
    )
    return redirect("federation_peers")


@login_required
@require_POST
def decide(request: AuthenticatedRequest, peer_id: int) -> HttpResponse:
    accept = request.POST.get("decision") == "accept"
    try:
        if request.POST.get("decision") == "vote":
            peer = actions.put_link_to_vote(actor=request.user, peer_id=peer_id)
            messages.success(request, _("Put to the members' vote."))
            return redirect("proposal_detail", peer.vote_id)
        peer = actions.decide_link(actor=request.user, peer_id=peer_id, accept=accept)
    except DomainError as error:
        return render_refusal(request, error)
    if accept:
        messages.success(request, _("Linked with %(name)s.") % {"name": peer})
    else:
        messages.success(request, _("Refused to link with %(name)s.") % {"name": peer})
    return redirect("federation_peers")


@login_required
@require_POST
def bank_account(request: AuthenticatedRequest, peer_id: int) -> HttpResponse:
    """Where a linked co-op is paid what our books owe it (by the next payout file)."""
    peer = selectors.peer_with_account(peer_id)
    if peer is None or peer.account is None:
        return render_refusal(request, DomainError("not_found", "There is no such co-op."))
    try:
        payouts.set_partner_payout_account(
            actor=request.user,
            account=peer.account,
            holder=request.POST.get("holder", ""),
            iban=request.POST.get("iban", ""),
            bic=request.POST.get("bic", ""),
        )
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("Saved: the next payout file pays %(name)s.") % {"name": peer})
    return redirect("federation_peers")


@login_required
@require_POST
def end(request: AuthenticatedRequest, peer_id: int) -> HttpResponse:
    try:
        peer = actions.end_link(actor=request.user, peer_id=peer_id)
    except DomainError as error:
        return render_refusal(request, error)
    messages.success(request, _("The link with %(name)s is ended.") % {"name": peer})
    return redirect("federation_peers")
