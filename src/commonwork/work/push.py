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
from pywebpush import WebPushException, webpush

from commonwork.vault import gate
from commonwork.work.actions.push import forget_push_subscription
from commonwork.work.models import Offer, PushSubscription

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.COMMONWORK_VAPID_PRIVATE_KEY and settings.COMMONWORK_VAPID_PUBLIC_KEY)


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
    subscriptions = list(PushSubscription.objects.filter(worker_id=offer.worker_id))
    if not subscriptions:
        return 0
    # The browser's address is the worker's data: read under the bylaws, and logged.
    gate.job_reads(
        job="push",
        purpose="offer_push",
        subject_ids=[offer.worker_id],
        categories=["delivery_proofs"],
    )
    payload = json.dumps(offer_message(offer))
    sent = 0
    for subscription in subscriptions:
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
                forget_push_subscription(subscription.pk)
            log.warning("push to a subscription failed (%s): %s", status, error)
            continue
        sent += 1
    return sent
