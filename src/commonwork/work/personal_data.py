"""The work app's share of members' personal data (locations, availability, tasks,
disputes) and the facts the vault's gate needs about a client's tasks. Registered with
the vault in WorkConfig.ready."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q

from commonwork.vault import providers
from commonwork.vault.location import points
from commonwork.vault.policy import ClientTaskFacts
from commonwork.vault.providers import Rows
from commonwork.work.actions import personal_data as writes
from commonwork.work.lifecycle import TaskStatus
from commonwork.work.models import (
    AvailabilityPeriod,
    DeliveryProof,
    Dispute,
    LocationPing,
    Offer,
    PushSubscription,
    Task,
)

TASK_FIELDS = ("id", "title", "kind", "status", "price_minor", "created_at", "completed_at")
IN_HAND = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DELIVERED)


class LocationProvider:
    category = "location"

    def rows(self, member_id: int) -> Rows:
        pings = list(
            LocationPing.objects.filter(worker_id=member_id)
            .order_by("recorded_at", "id")
            .values_list("recorded_at", "sealed")
        )
        opened = points([(member_id, sealed) for _at, sealed in pings])
        return [
            {"recorded_at": at, "lat": where[0], "lon": where[1]}
            for (at, _sealed), where in zip(pings, opened, strict=True)
            if where is not None
        ]

    def count(self, member_id: int) -> int:
        return LocationPing.objects.filter(worker_id=member_id).count()

    def erase(self, member_id: int) -> None:
        writes.erase_locations(member_id)

    def expire(self, now: datetime) -> int:
        return writes.expire_locations(now)


class DeliveryProofProvider:
    category = "delivery_proofs"

    def rows(self, member_id: int) -> Rows:
        proofs: Rows = [
            {"task": row["task_id"], "kind": row["kind"], "recorded_at": row["recorded_at"]}
            for row in DeliveryProof.objects.filter(worker_id=member_id)
            .order_by("recorded_at", "id")
            .values("task_id", "kind", "recorded_at")
        ]
        devices: Rows = [
            {"push_to": row["endpoint"].split("/")[2], "since": row["created_at"]}
            for row in PushSubscription.objects.filter(worker_id=member_id).values(
                "endpoint", "created_at"
            )
        ]
        return proofs + devices

    def count(self, member_id: int) -> int:
        return (
            DeliveryProof.objects.filter(worker_id=member_id).count()
            + PushSubscription.objects.filter(worker_id=member_id).count()
        )

    def erase(self, member_id: int) -> None:
        writes.erase_delivery_proofs(member_id)

    def expire(self, now: datetime) -> int:
        return writes.expire_delivery_proofs(now)


class AvailabilityProvider:
    category = "availability"

    def rows(self, member_id: int) -> Rows:
        return [
            dict(row)
            for row in AvailabilityPeriod.objects.filter(worker_id=member_id)
            .order_by("started_at")
            .values("started_at", "ended_at")
        ]

    def count(self, member_id: int) -> int:
        return AvailabilityPeriod.objects.filter(worker_id=member_id).count()

    def erase(self, member_id: int) -> None:
        # The periods stay: the floor was paid on them. The limits the worker set go.
        writes.erase_preferences(member_id)

    def expire(self, now: datetime) -> int:
        return 0


class TasksProvider:
    category = "tasks"

    def rows(self, member_id: int) -> Rows:
        rows: Rows = [
            {"as": "worker", **row}
            for row in Task.objects.filter(worker_id=member_id).order_by("id").values(*TASK_FIELDS)
        ]
        rows += [
            {"as": "client", **row}
            for row in Task.objects.filter(project__client_id=member_id)
            .order_by("id")
            .values(*TASK_FIELDS)
        ]
        rows += [
            {"as": "offered", "id": row["task_id"], "status": row["status"]}
            for row in Offer.objects.filter(worker_id=member_id)
            .order_by("id")
            .values("task_id", "status")
        ]
        return rows

    def count(self, member_id: int) -> int:
        return (
            Task.objects.filter(Q(worker_id=member_id) | Q(project__client_id=member_id)).count()
            + Offer.objects.filter(worker_id=member_id).count()
        )

    def erase(self, member_id: int) -> None:
        pass  # the tasks stay, with the books; the user row they point at is pseudonymised

    def expire(self, now: datetime) -> int:
        return 0


class DisputesProvider:
    category = "disputes"

    def _mine(self, member_id: int) -> Any:
        return Dispute.objects.filter(
            Q(opened_by_id=member_id)
            | Q(task__worker_id=member_id)
            | Q(task__project__client_id=member_id)
        )

    def rows(self, member_id: int) -> Rows:
        return [
            dict(row)
            for row in self._mine(member_id)
            .order_by("opened_at", "id")
            .values("task_id", "reason", "opened_at", "status", "outcome", "resolution_note")
        ]

    def count(self, member_id: int) -> int:
        return int(self._mine(member_id).count())

    def erase(self, member_id: int) -> None:
        writes.erase_dispute_words(member_id)

    def expire(self, now: datetime) -> int:
        return 0


def client_facts(
    client_id: int, worker_ids: Iterable[int], task_id: int | None
) -> dict[int, ClientTaskFacts]:
    """The named task of the client's, if it is in hand with one of these workers: the
    bylaws let a client read about the worker on a task while that task is in hand, so a
    read names its task (none named: no relation)."""
    if task_id is None:
        return {}
    tasks = Task.objects.filter(
        pk=task_id, project__client_id=client_id, worker_id__in=list(worker_ids), status__in=IN_HAND
    )
    facts: dict[int, ClientTaskFacts] = {}
    for worker_id, status, kind in tasks.values_list("worker_id", "status", "kind"):
        before = facts.get(worker_id, ClientTaskFacts())
        facts[worker_id] = ClientTaskFacts(
            task_in_hand=True,
            located_in_progress=before.located_in_progress
            or (status == TaskStatus.IN_PROGRESS and kind == "located"),
        )
    return facts


def register() -> None:
    providers.register_category(LocationProvider())
    providers.register_category(AvailabilityProvider())
    providers.register_category(DeliveryProofProvider())
    providers.register_category(TasksProvider())
    providers.register_category(DisputesProvider())
    providers.register_client_facts(client_facts)
    providers.register_erasure_check(writes.check_erasable)
