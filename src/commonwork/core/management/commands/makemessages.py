"""Django's makemessages, also collecting the sentences actions refuse with.

Actions raise `WorkError("code", "A sentence.", field=...)` in English, the API's language;
the pages look the sentence up in the catalogue (see core/templatetags). Teaching xgettext
that the second argument of each error class is a message puts every such sentence in the
catalogue without wrapping each one in a marker function.
"""

from __future__ import annotations

from django.core.management.commands import makemessages

ERROR_CLASSES_WITH_MESSAGE_SECOND = (
    "DomainError",
    "WorkError",
    "MembersError",
    "GovernanceError",
    "LedgerError",
    "DispatchError",
    "VaultError",
    "ClaimError",
    "ObservatoryError",
    "CommonsError",
    "PlatformImportError",
    "FederationError",
    "ParameterError",  # governance.registry: the parameter's name first, then the sentence
)


class Command(makemessages.Command):
    xgettext_options = [
        *makemessages.Command.xgettext_options,
        *(f"--keyword={name}:2" for name in ERROR_CLASSES_WITH_MESSAGE_SECOND),
        "--keyword=Forbidden:1",
        # Pure modules (no Django) mark their sentences with N_ (vault.registry).
        "--keyword=N_",
        "--keyword=NP_:1,2",
        # governance.registry: what each governed rule does, the spec's seventh argument.
        "--keyword=_spec:7",
    ]
