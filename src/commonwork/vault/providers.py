"""What the vault asks of the apps above it, registered at start-up (`AppConfig.ready`).

The vault sits low in the house (docs/architecture.md): members, work, ledger, dispatch
and governance all read personal data through its gate, so it cannot import them. Instead
each app that holds personal data registers a `CategoryProvider` for every category it
holds, and the apps that know who a reader is and what a client's tasks are register the
few facts the gate needs. Erasure, export, retention and "My data" walk these registries;
no vault module touches another app's models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from commonwork.core.errors import DomainError
from commonwork.vault.policy import ClientTaskFacts
from commonwork.vault.registry import CATEGORIES, ActorKind

Rows = list[dict[str, Any]]
Reader = AbstractBaseUser | AnonymousUser


def logged_in(reader: Reader) -> AbstractBaseUser:
    """The reader, who must have logged in (the views and actions that call this do)."""
    if not isinstance(reader, AbstractBaseUser) or reader.pk is None:
        raise PermissionError("a logged-in member is needed here")
    return reader


def member_id_of(reader: Reader) -> int:
    """The id of a logged-in reader."""
    return int(logged_in(reader).pk)


class CategoryProvider(Protocol):
    """One app's share of one category of a member's personal data."""

    category: str

    def rows(self, member_id: int) -> Rows:
        """Every record, oldest first, JSON-ready but for dates (the export and My data)."""

    def count(self, member_id: int) -> int:
        """How many records `rows` would return, cheaply (the summary on My data)."""

    def erase(self, member_id: int) -> None:
        """Delete what can go and pseudonymise what the law keeps (inside the erasure's
        transaction, after every erasure check passed)."""

    def expire(self, now: datetime) -> int:
        """Delete what is past its retention; how many records went."""


@dataclass(frozen=True)
class Directory:
    """What only the members app knows: what kind of reader someone is for another
    member's data, the data controller's name, and members by user name."""

    reader_kind: Callable[[Reader], ActorKind]
    controller_name: Callable[[], str]
    member_id_by_username: Callable[[str], int | None]
    member_exists: Callable[[int], bool]
    require_member: Callable[[Reader], None]


# Checks run before an erasure; each raises a DomainError saying why not yet.
ErasureCheck = Callable[[int], None]
# A client's relation to some workers through the one task a read names (None: no task
# named, so no relation): worker id -> facts (missing means no relation).
ClientFacts = Callable[[int, Iterable[int], int | None], dict[int, ClientTaskFacts]]


class _Registry:
    def __init__(self) -> None:
        self.parameter: Callable[[str], object] | None = None
        self.providers: list[CategoryProvider] = []
        self.erasure_checks: list[ErasureCheck] = []
        self.client_facts: ClientFacts | None = None
        self.directory: Directory | None = None


_registry = _Registry()


def register_parameter_reader(reader: Callable[[str], object]) -> None:
    """Governance lets the vault read the governed values it enforces (retention)."""
    _registry.parameter = reader


def governed_int(name: str) -> int:
    if _registry.parameter is None:
        raise RuntimeError("No governed parameters are registered (commonwork.governance?)")
    return int(str(_registry.parameter(name)))


def register_category(provider: CategoryProvider) -> None:
    if provider.category not in CATEGORIES:
        raise ValueError(f"unknown data category {provider.category!r}")
    if provider not in _registry.providers:
        _registry.providers.append(provider)


def register_erasure_check(check: ErasureCheck) -> None:
    if check not in _registry.erasure_checks:
        _registry.erasure_checks.append(check)


def register_client_facts(loader: ClientFacts) -> None:
    _registry.client_facts = loader


def register_directory(directory: Directory) -> None:
    _registry.directory = directory


def providers(category: str | None = None) -> list[CategoryProvider]:
    """The registered providers (of one category), in registration order: the order of
    INSTALLED_APPS, lowest layer first."""
    return [p for p in _registry.providers if category is None or p.category == category]


def erasure_checks() -> list[ErasureCheck]:
    return list(_registry.erasure_checks)


def erasable(member_id: int) -> bool:
    """Whether every app's erasure check passes for this member now."""
    try:
        with transaction.atomic():  # the checks lock what they look at
            for check in erasure_checks():
                check(member_id)
    except DomainError:
        return False
    return True


def directory() -> Directory:
    if _registry.directory is None:
        raise RuntimeError("No member directory is registered (is commonwork.members installed?)")
    return _registry.directory


def client_facts(
    client_id: int, worker_ids: Iterable[int], task_id: int | None
) -> dict[int, ClientTaskFacts]:
    if _registry.client_facts is None:
        return {}
    return _registry.client_facts(client_id, worker_ids, task_id)


def member_rows(member_id: int, category: str) -> Rows:
    """Everything of one category about a member, from every app that holds some."""
    rows: Rows = []
    for provider in providers(category):
        rows += provider.rows(member_id)
    return rows


def member_count(member_id: int, category: str) -> int:
    return sum(provider.count(member_id) for provider in providers(category))
