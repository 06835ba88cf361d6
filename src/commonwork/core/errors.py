"""The one error type every domain raises: a stable code, a human message, a field.

The API turns a DomainError into a JSON body {code, message, field} with its HTTP
status; pages show the message next to the field. Each domain subclasses it so a caller
can tell where an error came from, but the shape stays the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar


class DomainError(Exception):
    """A refused operation. Nothing was changed when one is raised."""

    # HTTP status the API answers with for each code; codes not listed answer 400.
    STATUS_BY_CODE: ClassVar[dict[str, int]] = {
        "not_found": 404,
        "forbidden": 403,
        "not_authenticated": 401,
        "conflict": 409,
        "illegal_transition": 409,
        "already_taken": 409,
        "idempotency_key_reused": 422,
        "geocoder_unavailable": 503,
    }

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        """`message` is English; with `params` it is a template with {named} places,
        so the pages can look the template up in the catalogue and fill it in there."""
        self.template = message
        self.params = dict(params or {})
        self.message = message.format(**self.params) if self.params else message
        super().__init__(self.message)
        self.code = code
        self.field = field

    def localized(self) -> str:
        """The message in the active language, where the catalogue has its template."""
        from django.utils.translation import gettext

        translated = gettext(self.template)
        return translated.format(**self.params) if self.params else translated

    @property
    def status(self) -> int:
        return self.STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, field={self.field!r})"


class NotFound(DomainError):  # noqa: N818 - named for the HTTP answer it becomes
    def __init__(self, what: str, *, field: str | None = None) -> None:
        super().__init__(
            "not_found", f"{what} does not exist or is not visible to you.", field=field
        )


class Forbidden(DomainError):  # noqa: N818 - named for the HTTP answer it becomes
    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__("forbidden", message, field=field, params=params)
