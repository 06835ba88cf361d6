"""The pay rules, as pure functions over integers and fractions.

No ORM, no clock, no floats: money is an integer count of minor units and rates are
`Fraction`s (a governed parameter stored as "0.08" becomes Fraction(2, 25)), so every
split adds up to exactly what was paid. The live ledger and the policy lab call these
same functions.

Rounding is always decided in the worker's favour where a choice exists: the fee and the
solidarity share round half-even, the worker receives the exact remainder, and a floor
top-up rounds up.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

SECONDS_PER_HOUR = 3600


class RuleInputError(ValueError):
    """The input to a pay rule is impossible (a negative price, a rate above one...)."""


def _round_half_even(value: Fraction) -> int:
    return round(value)  # Fraction.__round__ rounds half to even, exactly


def _check_rate(name: str, rate: Fraction) -> None:
    if not 0 <= rate <= 1:
        raise RuleInputError(f"{name} must lie between 0 and 1, not {rate}")


@dataclass(frozen=True)
class PriceSplit:
    """Where one task's money goes. The parts always add up to price + tip."""

    price_minor: int
    tip_minor: int
    worker_minor: int  # the worker's share of the price, tips excluded
    fee_minor: int
    solidarity_minor: int

    @property
    def to_worker_minor(self) -> int:
        """Everything the worker receives: their share of the price and the whole tip."""
        return self.worker_minor + self.tip_minor


def split_price(
    price_minor: int, *, fee_rate: Fraction, solidarity_rate: Fraction, tip_minor: int = 0
) -> PriceSplit:
    """Split a task's price into the worker's share, the fee and the solidarity fund.

    Tips are never split: 100 % goes to the worker.
    """
    if price_minor < 0:
        raise RuleInputError("a price cannot be negative")
    if tip_minor < 0:
        raise RuleInputError("a tip cannot be negative")
    _check_rate("fee_rate", fee_rate)
    _check_rate("solidarity_rate", solidarity_rate)
    if fee_rate + solidarity_rate > 1:
        raise RuleInputError("the fee and the solidarity rate together exceed the price")
    fee = _round_half_even(price_minor * fee_rate)
    solidarity = _round_half_even(price_minor * solidarity_rate)
    worker = price_minor - fee - solidarity
    if worker < 0:  # only possible through rounding at tiny prices
        solidarity += worker
        worker = 0
    return PriceSplit(price_minor, tip_minor, worker, fee, solidarity)


Interval = tuple[int, int]  # [start, end) in whole seconds since an epoch of the caller's choice


def merge_intervals(intervals: Iterable[Interval]) -> list[Interval]:
    """The union of half-open intervals, sorted and non-overlapping."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if end < start:
            raise RuleInputError(f"an interval ends before it starts: {start}..{end}")
        if end == start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def engaged_seconds(
    *, available: Iterable[Interval], on_task: Iterable[Interval], window: Interval
) -> int:
    """Engaged time in a pay period: available or on a task, each second counted once.

    Waiting while available is engaged time; so is work on a task the worker took while
    marked unavailable. Only the part inside `window` (the pay period) counts.
    """
    window_start, window_end = window
    if window_end < window_start:
        raise RuleInputError("the pay period ends before it starts")
    clipped = (
        (max(start, window_start), min(end, window_end))
        for start, end in [*available, *on_task]
        if end > window_start and start < window_end
    )
    return sum(end - start for start, end in merge_intervals(clipped))


@dataclass(frozen=True)
class HourCaps:
    """The day and week caps the members voted (max_hours_per_day, max_hours_per_week),
    with where each local day and week begins, in seconds from the period's start."""

    day_starts: tuple[int, ...]
    week_starts: tuple[int, ...]
    day_cap_seconds: int
    week_cap_seconds: int


def capped_engaged_seconds(
    *,
    available: Iterable[Interval],
    on_task: Iterable[Interval],
    window: Interval,
    caps: HourCaps | None,
) -> tuple[int, int]:
    """Engaged time that counts for the floor, and the engaged time past the caps.

    Each day counts at most the day cap, and each week at most the week cap, day by day
    in order: the caps dispatch enforces when it offers work bound what the floor pays,
    so time a worker stays available past them is not floor-paid. With no caps, all
    engaged time counts."""
    window_start, window_end = window
    clipped = (
        (max(start, window_start), min(end, window_end))
        for start, end in [*available, *on_task]
        if end > window_start and start < window_end
    )
    merged = merge_intervals(clipped)
    total = sum(end - start for start, end in merged)
    if caps is None:
        return total, 0
    bounds = sorted({window_start, *caps.day_starts, window_end})
    counted = 0
    used: dict[int, int] = {}
    for day_start, day_end in pairwise(bounds):
        in_day = sum(max(0, min(end, day_end) - max(start, day_start)) for start, end in merged)
        week = max((w for w in caps.week_starts if w <= day_start), default=window_start)
        allowed = min(in_day, caps.day_cap_seconds, caps.week_cap_seconds - used.get(week, 0))
        allowed = max(0, allowed)
        used[week] = used.get(week, 0) + allowed
        counted += allowed
    return counted, total - counted


def floor_top_up(*, engaged_seconds: int, earnings_minor: int, floor_per_hour_minor: int) -> int:
    """What the co-op adds so pay reaches the floor for every engaged hour.

    earnings_minor is the worker's share of task prices in the period; tips are not
    counted (a client's tip must never pay for the co-op's floor). The floor is
    pro-rated to the second and rounded up to the next minor unit.
    """
    if engaged_seconds < 0 or floor_per_hour_minor < 0:
        raise RuleInputError("engaged time and the floor cannot be negative")
    owed = math.ceil(Fraction(floor_per_hour_minor * engaged_seconds, SECONDS_PER_HOUR))
    return max(0, owed - earnings_minor)


def effective_hourly_minor(*, pay_minor: int, engaged_seconds: int) -> Fraction | None:
    """Pay per engaged hour, or None for someone with no engaged time."""
    if engaged_seconds <= 0:
        return None
    return Fraction(pay_minor * SECONDS_PER_HOUR, engaged_seconds)


@dataclass(frozen=True)
class PayRatioReport:
    ratio: Fraction | None  # highest / lowest effective hourly pay; None when undefined
    highest_member: int | None
    lowest_member: int | None
    cap: Fraction
    exceeded: bool


def check_pay_ratio(
    hourly_by_member: Mapping[int, Fraction | None], *, cap: Fraction
) -> PayRatioReport:
    """The ratio of the highest to the lowest effective hourly pay, against the cap.

    Members without engaged time (None) are left out. A lowest pay of zero with a
    positive highest makes the ratio unbounded, which exceeds any cap.
    """
    if cap < 1:
        raise RuleInputError("a pay ratio cap below 1 cannot be met by anyone")
    rated = sorted(
        ((rate, member) for member, rate in hourly_by_member.items() if rate is not None),
        key=lambda pair: (pair[0], pair[1]),
    )
    if len(rated) < 2:
        return PayRatioReport(None, None, None, cap, exceeded=False)
    (lowest, lowest_member), (highest, highest_member) = rated[0], rated[-1]
    if lowest == 0:
        exceeded = highest > 0
        return PayRatioReport(None, highest_member, lowest_member, cap, exceeded=exceeded)
    ratio = highest / lowest
    return PayRatioReport(ratio, highest_member, lowest_member, cap, exceeded=ratio > cap)


def largest_remainder(total_minor: int, weights: Sequence[tuple[int, Fraction]]) -> dict[int, int]:
    """Share `total_minor` by weight so the parts add up exactly (Hamilton's method).

    Ties in the remainders go to the lower key, so the result is deterministic.
    """
    if total_minor < 0:
        raise RuleInputError("cannot share out a negative amount")
    positive = [(key, weight) for key, weight in weights if weight > 0]
    if any(weight < 0 for _key, weight in weights):
        raise RuleInputError("weights cannot be negative")
    weight_sum = sum((weight for _key, weight in positive), Fraction(0))
    if not positive or weight_sum == 0:
        return {key: 0 for key, _weight in weights}
    exact = {key: total_minor * weight / weight_sum for key, weight in positive}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = total_minor - sum(shares.values())
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - shares[key]), key))
    for key in by_remainder[:left]:
        shares[key] += 1
    return {key: shares.get(key, 0) for key, _weight in weights}


@dataclass(frozen=True)
class SurplusSplit:
    reserves_minor: int
    patronage_minor: int
    community_minor: int
    patronage_by_member: dict[int, int]


def split_surplus(
    surplus_minor: int,
    *,
    reserves_share: Fraction,
    patronage_share: Fraction,
    community_share: Fraction,
    labour_by_member: Mapping[int, int],
) -> SurplusSplit:
    """Split a year's surplus into reserves, patronage returns by labour, and a community fund.

    `labour_by_member` is hours (or earnings: a governed choice) per member. A year with
    no surplus allocates nothing; losses are the members' decision, not this rule's.
    """
    shares = (reserves_share, patronage_share, community_share)
    if any(share < 0 for share in shares) or sum(shares) != 1:
        raise RuleInputError("the surplus shares must be non-negative and add up to 1")
    if surplus_minor <= 0:
        return SurplusSplit(0, 0, 0, dict.fromkeys(labour_by_member, 0))
    parts = largest_remainder(
        surplus_minor, [(0, reserves_share), (1, patronage_share), (2, community_share)]
    )
    labour = sorted(labour_by_member.items())
    if not any(hours > 0 for _member, hours in labour):
        # Nobody worked: patronage has no one to go to and stays in reserves.
        parts = {0: parts[0] + parts[1], 1: 0, 2: parts[2]}
    by_member = largest_remainder(parts[1], [(m, Fraction(h)) for m, h in labour])
    return SurplusSplit(parts[0], parts[1], parts[2], by_member)


def check_entry_amounts(amounts: Sequence[int]) -> None:
    """A journal entry's amounts (debit positive, credit negative) must be whole minor
    units, none zero, at least two, and add up to exactly zero."""
    if len(amounts) < 2:
        raise RuleInputError("an entry needs at least two postings")
    for amount in amounts:
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise RuleInputError(f"amounts are whole minor units, not {amount!r}")
        if amount == 0:
            raise RuleInputError("a posting of zero says nothing")
    if sum(amounts) != 0:
        raise RuleInputError(f"debits and credits differ by {sum(amounts)}")


@dataclass(frozen=True)
class MemberPeriod:
    """What one member did in a pay period, as the books and the availability records
    show it. Intervals are seconds from the period's start."""

    member_id: int
    available: tuple[Interval, ...] = ()
    on_task: tuple[Interval, ...] = ()
    tasks: int = 0
    price_minor: int = 0  # what clients paid for this member's tasks
    earnings_minor: int = 0  # the member's share of those prices
    fee_minor: int = 0
    solidarity_minor: int = 0
    tips_minor: int = 0
    stipends_minor: int = 0


@dataclass(frozen=True)
class MemberPeriodPay:
    member_id: int
    engaged_seconds: int  # what counts for the floor: within the caps
    beyond_caps_seconds: int
    top_up_minor: int
    pay_minor: int  # earnings + top-up + stipends: what counts for the floor and the ratio
    total_minor: int  # pay + tips: everything the period brought the member
    effective_hourly_minor: Fraction | None


def member_period_pay(
    period: MemberPeriod,
    *,
    period_seconds: int,
    floor_per_hour_minor: int,
    caps: HourCaps | None = None,
) -> MemberPeriodPay:
    """A member's pay for one period: the floor top-up for their engaged time within the
    caps, their pay per engaged hour, and the total. Tips count in the total, never
    toward the floor."""
    engaged, beyond = capped_engaged_seconds(
        available=period.available, on_task=period.on_task, window=(0, period_seconds), caps=caps
    )
    top_up = floor_top_up(
        engaged_seconds=engaged,
        earnings_minor=period.earnings_minor,
        floor_per_hour_minor=floor_per_hour_minor,
    )
    pay = period.earnings_minor + top_up + period.stipends_minor
    return MemberPeriodPay(
        member_id=period.member_id,
        engaged_seconds=engaged,
        beyond_caps_seconds=beyond,
        top_up_minor=top_up,
        pay_minor=pay,
        total_minor=pay + period.tips_minor,
        effective_hourly_minor=effective_hourly_minor(pay_minor=pay, engaged_seconds=engaged),
    )


@dataclass(frozen=True)
class FloorPayment:
    """The floor top-ups as paid: in full, or shared when the fund cannot cover them."""

    paid: dict[int, int]
    unpaid: dict[int, int]

    @property
    def paid_minor(self) -> int:
        return sum(self.paid.values())

    @property
    def unpaid_minor(self) -> int:
        return sum(self.unpaid.values())


def pay_floor(
    due: Mapping[int, int], *, fund_minor: int, deficit_limit_minor: int | None
) -> FloorPayment:
    """What the solidarity fund pays of the floor top-ups due, by member.

    In full while the fund stays at or above −`deficit_limit_minor` (a debt the members
    allowed, to be covered by the fee); when that is not enough, what the fund can give
    down to the limit is shared in proportion to what each member is due (largest
    remainder, exact to the minor unit), and the rest stays owed. `None`: no limit (the
    operating budget pays)."""
    if any(amount < 0 for amount in due.values()):
        raise RuleInputError("a top-up due cannot be negative")
    total = sum(due.values())
    if deficit_limit_minor is None:
        return FloorPayment(dict(due), dict.fromkeys(due, 0))
    if deficit_limit_minor < 0:
        raise RuleInputError("the deficit limit cannot be negative")
    room = max(0, fund_minor + deficit_limit_minor)
    if total <= room:
        return FloorPayment(dict(due), dict.fromkeys(due, 0))
    paid = largest_remainder(room, [(member, Fraction(amount)) for member, amount in due.items()])
    return FloorPayment(paid, {member: due[member] - paid[member] for member in due})


def cover_contribution(fee_minor: int, share: Fraction) -> int:
    """What the members' chosen share of a fee puts into the solidarity fund for cover."""
    _check_rate("cover_contribution_share", share)
    return _round_half_even(fee_minor * share)


def hardship_supplement(price_minor: int, rate: Fraction) -> int:
    """The supplement on a task done under a binding weather warning: the governed share
    of its price, rounded half to even like every other split."""
    if rate < 0:
        raise RuleInputError("weather_supplement_rate: a rate cannot be negative")
    return _round_half_even(price_minor * rate)
