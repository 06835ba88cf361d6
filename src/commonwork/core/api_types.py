"""The API's bounded and strict number types, shared by every app's schemas.

Ids are positive 64-bit integers, as the databases store them: a larger one is refused
in the schema instead of overflowing SQLite. In request bodies numbers are strict: a
boolean is not a number (`true` is not one cent) and neither is a string.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

MAX_ID = 2**63 - 1

# A path parameter (always text in a URL, so not strict about its type).
PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
# An id in a request body.
BodyId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
# A whole number in a request body (amounts in minor units, days, minutes).
BodyInt = Annotated[int, Strict(), Field(le=MAX_ID)]
# A decimal number in a request body (coordinates); whole numbers are fine, booleans not.
BodyFloat = Annotated[float, Strict()]
