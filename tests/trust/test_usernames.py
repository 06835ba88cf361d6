"""Issue 14, point 18: a user name cannot pass for another one."""

from __future__ import annotations

from typing import Any

import pytest

from commonwork.core.errors import DomainError
from commonwork.members import actions as member_actions
from tests.conftest import PASSWORD

CYRILLIC_A = "\u0430"
FULLWIDTH_ALICE = "\uff41\uff4c\uff49\uff43\uff45"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        (f"{CYRILLIC_A}lice", "invalid"),  # mixed scripts
        ("ALICE", "conflict"),  # case
        (FULLWIDTH_ALICE, "conflict"),  # normalised to alice
        (f"{CYRILLIC_A}{CYRILLIC_A}{CYRILLIC_A}", "ok"),  # one script, nobody's look-alike
    ],
)
def test_look_alike_user_names_are_refused(alice: Any, name: str, code: str) -> None:
    if code == "ok":
        member_actions.register_user(username=name, password=PASSWORD)
        return
    with pytest.raises(DomainError) as refused:
        member_actions.register_user(username=name, password=PASSWORD)
    assert (refused.value.code, refused.value.field) == (code, "username")


def test_chinese_user_names_are_welcome(db: Any) -> None:
    user = member_actions.register_user(username="李雷雷", password=PASSWORD)
    assert user.username == "李雷雷"
