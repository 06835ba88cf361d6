"""Money is an integer count of the currency's minor unit (cents, fen), never a float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 minor-unit exponents for the currencies a co-op is likely to use; others
# default to 2, which is right for most of the world's currencies.
MINOR_UNIT_EXPONENT: dict[str, int] = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3}


def exponent(currency: str) -> int:
    return MINOR_UNIT_EXPONENT.get(currency.upper(), 2)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Major units (e.g. "12.34") to minor units, rounding half to even."""
    scale = Decimal(10) ** exponent(currency)
    return int((Decimal(amount) * scale).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def major_units(amount_minor: int, currency: str) -> str:
    """12345, "EUR" -> "123.45": exact, ungrouped, for files (CSV, beancount)."""
    places = exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}" if places else f"{sign}{whole}"


def format_minor(amount_minor: int, currency: str) -> str:
    """12345, "EUR" -> "123.45 EUR"."""
    places = exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    value = abs(amount_minor)
    if places == 0:
        return f"{sign}{value} {currency}"
    major, minor = divmod(value, 10**places)
    return f"{sign}{major:,}.{minor:0{places}d} {currency}"
