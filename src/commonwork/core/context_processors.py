from typing import Any

from django.http import HttpRequest

from commonwork.members.selectors import active_membership, get_cooperative


def cooperative(request: HttpRequest) -> dict[str, Any]:
    """The co-op and the visitor's membership, for every page's header."""
    return {
        "cooperative": get_cooperative(),
        "membership": active_membership(request.user),
    }
