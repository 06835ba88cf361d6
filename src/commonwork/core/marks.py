"""A marker for sentences in pure modules (no Django): `N_("...")` returns the text as it
is, and makemessages collects it, so pages can translate it when they show it."""


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for a no-op marker
    return text


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - as N_, with a plural
    """A sentence with a plural form, for ngettext where it is shown."""
    return singular, plural
