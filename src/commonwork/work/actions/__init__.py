"""Every write about work: atomic, audited, guarded by the task state machine.

Each transition locks the task row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's
write transactions begin IMMEDIATE and so are serialised), re-reads its status under
the lock, checks who is acting, and only then moves it. Two workers taking the same
task therefore cannot both succeed: the second sees it already accepted."""

from commonwork.work.actions._shared import (
    MAX_ESTIMATED_MINUTES,
    MAX_RATE_MINOR,
    TaskAction,
)
from commonwork.work.actions.availability import (
    confirm_availability,
    end_lapsed_availability,
    report_location,
    set_availability,
    set_work_preferences,
)
from commonwork.work.actions.disputes import (
    dispute_task,
    resolve_dispute,
)
from commonwork.work.actions.offers import (
    accept_offer,
    decline_offer,
    expire_offers,
    offer_task,
)
from commonwork.work.actions.partners import (
    hand_to_partner,
    post_partner_task,
    report_step,
)
from commonwork.work.actions.projects import (
    create_project,
    publish_tariff,
    record_project_outcome,
)
from commonwork.work.actions.push import (
    forget_push_subscription,
    subscribe_to_push,
    unsubscribe_from_push,
)
from commonwork.work.actions.tasks import (
    MAX_PROOF_BYTES,
    SIMPLE_TRANSITIONS,
    cancel_task,
    check_proof_size,
    complete_task,
    deliver_task,
    hand_back_task,
    post_task,
    publish_task,
    record_step,
    release_task,
    start_task,
    take_task,
)
from commonwork.work.lifecycle import Step

__all__ = [
    "MAX_ESTIMATED_MINUTES",
    "MAX_PROOF_BYTES",
    "MAX_RATE_MINOR",
    "SIMPLE_TRANSITIONS",
    "Step",
    "TaskAction",
    "accept_offer",
    "cancel_task",
    "check_proof_size",
    "complete_task",
    "confirm_availability",
    "create_project",
    "decline_offer",
    "deliver_task",
    "dispute_task",
    "end_lapsed_availability",
    "expire_offers",
    "forget_push_subscription",
    "hand_back_task",
    "hand_to_partner",
    "offer_task",
    "post_partner_task",
    "post_task",
    "publish_tariff",
    "publish_task",
    "record_project_outcome",
    "record_step",
    "release_task",
    "report_location",
    "report_step",
    "resolve_dispute",
    "set_availability",
    "set_work_preferences",
    "start_task",
    "subscribe_to_push",
    "take_task",
    "unsubscribe_from_push",
]
