"""User names that cannot pass for someone else's.

A name is normalised (Unicode NFKC: ALICE in full-width letters, U+FF21..., is ALICE) and
then refused when it mixes scripts in a way that can deceive ("alice" whose first letter
is the Cyrillic U+0430; the Unicode
confusables data, through confusable-homoglyphs), or when its *skeleton* — case folded,
each character that looks like a Latin letter replaced by that letter — is the skeleton
of a name already taken. The skeleton is stored (`User.username_key`, unique), so the
check is one indexed look-up and holds under concurrent sign-ups.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables

USERNAME_PATTERN = re.compile(r"^[\w.@+-]{3,150}$")


def normalise(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip()


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if found:
        for homoglyph in found[0]["homoglyphs"]:
            if homoglyph["c"].isascii():
                return str(homoglyph["c"]).lower()
    return char


def skeleton(username: str) -> str:
    """What the name looks like: equal skeletons are names a reader cannot tell apart."""
    return "".join(_latin_lookalike(char) for char in normalise(username).casefold())


def deceptive(username: str) -> bool:
    """Whether the name mixes scripts with characters that pass for others."""
    return bool(confusables.is_dangerous(normalise(username)))
