"""The platform's periodic jobs, in one table (the pure scheduling rule is
core.scheduler.slot_of; the elected scheduler is core.scheduling)."""

from __future__ import annotations

from commonwork.commons.tasks import publish_weekly_releases
from commonwork.core.scheduler import PeriodicJob
from commonwork.core.tasks import requeue_abandoned_jobs, sign_audit_checkpoint
from commonwork.dispatch.tasks import dispatch_regions, read_weather_alerts
from commonwork.federation.tasks import deliver_to_peers, offer_uncovered_tasks
from commonwork.governance.parameters import read_parameter
from commonwork.governance.tasks import advance_proposals
from commonwork.ledger.tasks import close_due_pay_periods
from commonwork.observatory.tasks import assess_fairwork_nightly
from commonwork.vault.tasks import enforce_retention, rotate_master_key_when_due
from commonwork.work.tasks import end_lapsed, expire_due_offers


def periodic_jobs() -> list[PeriodicJob]:
    """Every periodic job of the platform, in one list."""
    return [
        PeriodicJob("expire_offers", lambda: 5.0, expire_due_offers.enqueue),
        # Availability left on ends within the minute after its end or the inactivity limit.
        PeriodicJob("end_lapsed_availability", lambda: 60.0, end_lapsed.enqueue),
        PeriodicJob(
            "dispatch_rounds",
            lambda: float(read_parameter("dispatch.round_interval_seconds")),
            dispatch_regions.enqueue,
        ),
        # Weather services update their warnings every few minutes.
        PeriodicJob("weather_alerts", lambda: 300.0, read_weather_alerts.enqueue),
        # Periods end at midnight; checking every ten minutes closes each soon after.
        PeriodicJob("close_pay_periods", lambda: 600.0, close_due_pay_periods.enqueue),
        # Voting windows open and close on the minute.
        PeriodicJob("advance_proposals", lambda: 30.0, advance_proposals.enqueue),
        # Data past its retention (location points, stale snapshots) goes within the hour.
        PeriodicJob("retention", lambda: 3600.0, enforce_retention.enqueue),
        # The master key's own age decides; checking hourly rotates it within the hour.
        PeriodicJob("master_key_rotation", lambda: 3600.0, rotate_master_key_when_due.enqueue),
        # Weeks end at midnight on Sunday; checking hourly publishes last week's releases
        # within the hour, each once (the job finds what is published and moves on).
        PeriodicJob("commons_weekly_releases", lambda: 3600.0, publish_weekly_releases.enqueue),
        # The Fairwork self-assessment is recomputed once a night (the action skips a run
        # less than 20 hours after the last); its history is kept.
        PeriodicJob("fairwork_assessment", lambda: 3600.0, assess_fairwork_nightly.enqueue),
        # What waits for linked co-ops goes out within seconds; each activity's own time
        # for its next try (exponential backoff) decides whether it is tried.
        PeriodicJob("deliver_to_peers", lambda: 5.0, deliver_to_peers.enqueue),
        # A signed checkpoint binds every audit chain's head once a minute: removing a
        # chain's newest entries together with its head is found from then on.
        PeriodicJob("audit_checkpoint", lambda: 60.0, sign_audit_checkpoint.enqueue),
        # A job whose database-queue worker was killed goes back to the queue within a
        # minute or two of the worker's last beat (on RQ, RQ itself does this).
        PeriodicJob("requeue_abandoned_jobs", lambda: 30.0, requeue_abandoned_jobs.enqueue),
        # Tasks left open past the governed time go to linked co-ops within the minute.
        PeriodicJob("offer_uncovered_tasks", lambda: 60.0, offer_uncovered_tasks.enqueue),
    ]
