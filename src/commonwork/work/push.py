"""Web Push for offers: the worker's phone rings even with the page closed.

Only where the operator configured VAPID keys (settings.COMMONWORK_VAPID_*); without them
the worker's page polls for offers. The message carries no personal data: the offer's
id, the task's title and price, and where to open it. Sending happens in a background
job after the offer commits, so a slow push service never holds a dispatch round.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.db import transaction
from pywebpush import WebPushException, webpush

from commonwork.core import audit, clock
from commonwork.members.models import User
from commonwork.members.selectors import require_role
from commonwork.work.errors import WorkError
from commonwork.work.models import Offer, PushSubscription
from commonwork.work.selectors import WORKING_ROLES

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.COMMONWORK_VAPID_PRIVATE_KEY and settings.COMMONWORK_VAPID_PUBLIC_KEY)


@transaction.atomic
def subscribe(*, actor: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Remember where the worker's browser takes pushes (the same endpoint twice: one row)."""
    require_role(actor, *WORKING_ROLES)
    if not endpoint.startswith("https://") or len(endpoint) > 1000:
        raise WorkError("invalid", "A push endpoint is an https address.", field="endpoint")
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100:
        raise WorkError("invalid", "A push subscription needs its two keys.", field="keys")
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"worker": actor, "p256dh": p256dh, "auth": auth, "created_at": clock.now()},
    )
    audit.record(actor=actor, action="push.subscribed", obj=subscription, data={})
    return subscription


@transaction.atomic
def unsubscribe(*, actor: User) -> int:
    deleted, _by_model = PushSubscription.objects.filter(worker=actor).delete()
    return deleted


def offer_message(offer: Offer) -> dict[str, object]:
    return {
        "offer": offer.pk,
        "title": offer.task.title,
        "price_minor": offer.task.price_minor,
        "expires_at": offer.expires_at.isoformat(),
        "url": f"/work/#offer-{offer.pk}",
    }


def send_offer(offer_id: int) -> int:
    """Push one offer to every browser its worker subscribed; how many took it. A
    subscription the push service says is gone (404, 410) is deleted."""
    if not enabled():
        return 0
    offer = Offer.objects.select_related("task").filter(pk=offer_id).first()
    if offer is None:
        return 0
    payload = json.dumps(offer_message(offer))
    sent = 0
    for subscription in PushSubscription.objects.filter(worker_id=offer.worker_id):
        try:
            webpush(
                subscription_info={
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=payload,
                vapid_private_key=settings.COMMONWORK_VAPID_PRIVATE_KEY,
                vapid_claims={"sub": settings.COMMONWORK_VAPID_CONTACT},
                ttl=60,
                timeout=10,
            )
        except WebPushException as error:
            status = getattr(error.response, "status_code", None)
            if status in (404, 410):
                subscription.delete()
            log.warning("push to a subscription failed (%s): %s", status, error)
            continue
        sent += 1
    return sent
