"""The house rule "writes only in actions", checked on every write the suite makes.

Every INSERT, UPDATE and DELETE that project code sends is traced to the innermost
project frame on the stack; the table's owner must be the app whose `actions` module (or
package) that frame is in. The kernel's own tables are written by its services (the
audit log, idempotency records). Code in tests/ setting up data is not project code and
is not checked; nor are migrations.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

from django.apps import apps

WRITE = re.compile(
    r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)
KERNEL_WRITERS = (
    "commonwork.core.audit",
    "commonwork.core.idempotency",
    "commonwork.core.scheduling",
    "commonwork.core.jobs",
)
# Django's log-in stamps the user's last log-in itself, wherever a view logs someone in.
FRAMEWORK_WRITES = re.compile(r'^\s*UPDATE\s+"?members_user"?\s+SET\s+"?last_login"?\s*=', re.I)


def table_owners() -> dict[str, str]:
    """Each project table's app label (models and their many-to-many tables)."""
    owners: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        if model.__module__.startswith("commonwork."):
            owners[model._meta.db_table] = model._meta.app_label
    return owners


def innermost_project_module() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("commonwork.") and ".migrations." not in module:
            return str(module)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def may_write(module: str, owner: str) -> bool:
    if owner == "core":
        return module.startswith(KERNEL_WRITERS)
    actions = f"commonwork.{owner}.actions"
    return module == actions or module.startswith(actions + ".")


class WriteOwnershipCheck:
    """A database execute wrapper that notes every write outside its owner's actions."""

    def __init__(self) -> None:
        self.owners = table_owners()
        self.violations: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        found = WRITE.match(sql)
        if found is not None and not FRAMEWORK_WRITES.match(sql):
            owner = self.owners.get(found.group(1))
            if owner is not None:
                module = innermost_project_module()
                if module is not None and not may_write(module, owner):
                    self.violations.append(f"{module} writes {found.group(1)} ({owner})")
        return execute(sql, params, many, context)
