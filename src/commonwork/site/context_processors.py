from typing import Any

from django.http import HttpRequest

from commonwork.members.models import Role
from commonwork.members.selectors import active_membership, get_cooperative, holds_role


def cooperative(request: HttpRequest) -> dict[str, Any]:
    """The co-op and the visitor's membership, for every page's header. An elected
    steward holds the steward's pages beside their own role."""
    membership = active_membership(request.user)
    return {
        "cooperative": get_cooperative(),
        "membership": membership,
        "is_steward": membership is not None and holds_role(membership, Role.STEWARD),
    }
