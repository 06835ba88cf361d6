"""The worker's Web Push subscriptions: where their browser takes pushed offers."""

from __future__ import annotations

from django.db import transaction

from commonwork.core import audit, clock
from commonwork.members.models import User
from commonwork.members.selectors import require_role
from commonwork.work.errors import WorkError
from commonwork.work.models import PushSubscription
from commonwork.work.selectors import WORKING_ROLES


@transaction.atomic
def subscribe_to_push(*, actor: User, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
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
def unsubscribe_from_push(*, actor: User) -> int:
    deleted, _by_model = PushSubscription.objects.filter(worker=actor).delete()
    return deleted


def forget_push_subscription(subscription_id: int) -> None:
    """The push service said the browser is gone: stop sending there."""
    PushSubscription.objects.filter(pk=subscription_id).delete()
