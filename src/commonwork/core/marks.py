"""A marker for sentences in pure modules (no Django): `N_("...")` returns the text as it
is, and makemessages collects it, so pages can translate it when they show it."""


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for a no-op marker
    return text
