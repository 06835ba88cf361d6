"""How the members' ballots are counted, as pure functions over plain data.

No ORM and no floats: counts are integers, shares and transferred votes are exact
Fractions, so a tally gives the same answer on every machine and can be recomputed by
anyone from the published ballots (`manage.py verify_results`). Every tie rule is
deterministic and written down here, in docs/governance.md, and in each result. A tie
that no count settles is broken by lot: the order of `lot_order`, drawn from a SHA-256 of
the ballots themselves, so that nobody (the proposer ordering the options least of all)
chooses it, and anyone holding the published ballots draws the same.

Quorum counts every ballot cast, abstentions included, against the electorate.
Thresholds count only yes and no: an abstention neither helps nor hinders a proposal.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

# A candidate or an option: a member's id or an option's key.
Candidate = str | int
# Ballots arrive as the strings people sent; each tally checks them (yes / no / abstain;
# consent / object / abstain) and refuses anything else.


class TallyInputError(ValueError):
    """Ballots or rules a tally cannot count (a ranking with repeats, a threshold above 1)."""


def lot_order(candidates: Sequence[Candidate], ballots: Sequence[Any]) -> list[Candidate]:
    """The candidates in the order of a lot drawn from the ballots: the seed is the
    SHA-256 of the sorted ballots (as canonical JSON), each candidate's draw the SHA-256
    of the seed and its key. Reordering the candidates changes nothing; any other set of
    ballots draws anew."""
    encoded = sorted(json.dumps(b, sort_keys=True, default=str) for b in ballots)
    seed = hashlib.sha256("\n".join(encoded).encode()).hexdigest()
    return sorted(candidates, key=lambda c: hashlib.sha256(f"{seed}:{c}".encode()).hexdigest())


def _check_share(name: str, value: Fraction) -> None:
    if not 0 <= value <= 1:
        raise TallyInputError(f"{name} must lie between 0 and 1, not {value}")


def quorum_met(*, cast: int, electorate: int, quorum: Fraction) -> bool:
    """Ballots cast (abstentions included) reach `quorum` of the electorate."""
    _check_share("quorum", quorum)
    if cast < 0 or electorate < 0 or cast > electorate:
        raise TallyInputError("ballots cast must lie between 0 and the electorate")
    if electorate == 0:
        return False
    return Fraction(cast, electorate) >= quorum


@dataclass(frozen=True)
class ThresholdResult:
    yes: int
    no: int
    abstain: int
    passed: bool
    rule: str


def threshold_vote(ballots: Sequence[str], *, threshold: Fraction, strict: bool) -> ThresholdResult:
    """Yes / no / abstain against a threshold of the yes and no votes.

    A simple majority is `threshold=1/2, strict=True` (more than half); a two-thirds
    majority is `threshold=2/3, strict=False` (at least two thirds). With no yes or no
    vote at all, nothing passes.
    """
    _check_share("threshold", threshold)
    counts = Counter(ballots)
    unknown = set(counts) - {"yes", "no", "abstain"}
    if unknown:
        raise TallyInputError(f"a ballot says {sorted(unknown)[0]!r}, not yes, no or abstain")
    yes, no = counts["yes"], counts["no"]
    decided = yes + no
    if decided == 0:
        passed = False
    else:
        share = Fraction(yes, decided)
        passed = share > threshold if strict else share >= threshold
    rule = f"{'more than' if strict else 'at least'} {threshold} of yes and no"
    return ThresholdResult(yes, no, counts["abstain"], passed, rule)


def simple_majority(ballots: Sequence[str]) -> ThresholdResult:
    return threshold_vote(ballots, threshold=Fraction(1, 2), strict=True)


def supermajority(ballots: Sequence[str], threshold: Fraction = Fraction(2, 3)) -> ThresholdResult:
    return threshold_vote(ballots, threshold=threshold, strict=False)


@dataclass(frozen=True)
class ConsentResult:
    consent: int
    objections: int
    abstain: int
    passed: bool


def consent_vote(ballots: Sequence[str], *, objection_threshold: Fraction) -> ConsentResult:
    """Consent: the proposal passes unless objections reach `objection_threshold` of the
    ballots cast (abstentions included, since standing aside is a voice too)."""
    _check_share("objection threshold", objection_threshold)
    counts = Counter(ballots)
    unknown = set(counts) - {"consent", "object", "abstain"}
    if unknown:
        raise TallyInputError(f"a ballot says {sorted(unknown)[0]!r}, not consent or object")
    cast = sum(counts.values())
    objections = counts["object"]
    blocked = cast > 0 and objections > 0 and Fraction(objections, cast) >= objection_threshold
    return ConsentResult(counts["consent"], objections, counts["abstain"], passed=not blocked)


def check_ranking(ranking: Sequence[Candidate], candidates: Sequence[Candidate]) -> None:
    """A ranking names known candidates, each at most once (it may stop early)."""
    known = set(candidates)
    seen: set[Candidate] = set()
    for candidate in ranking:
        if candidate not in known:
            raise TallyInputError(f"the ranking names an unknown candidate: {candidate!r}")
        if candidate in seen:
            raise TallyInputError(f"the ranking names {candidate!r} twice")
        seen.add(candidate)


@dataclass(frozen=True)
class Round:
    """One counting round: each continuing candidate's votes, and what happened."""

    votes: dict[Candidate, Fraction]
    elected: tuple[Candidate, ...] = ()
    eliminated: tuple[Candidate, ...] = ()
    exhausted: Fraction = Fraction(0)
    note: str = ""


@dataclass(frozen=True)
class RankedResult:
    winners: tuple[Candidate, ...]
    rounds: tuple[Round, ...]
    quota: Fraction | None = None
    tie_breaks: tuple[str, ...] = field(default_factory=tuple)


def _lowest(
    votes: Mapping[Candidate, Fraction],
    history: Sequence[Mapping[Candidate, Fraction]],
    lot: Sequence[Candidate],
) -> tuple[Candidate, str]:
    """The candidate to eliminate, with a note when a tie had to be broken.

    Ties for fewest votes are broken backwards: the tied candidate with fewer votes in
    the latest earlier round where they differ goes; if they were level in every round,
    the one drawn last in the lot (`lot_order`) goes.
    """
    fewest = min(votes.values())
    tied = [c for c in lot if c in votes and votes[c] == fewest]
    if len(tied) == 1:
        return tied[0], ""
    for earlier in reversed(history):
        least = min(earlier.get(c, Fraction(0)) for c in tied)
        narrowed = [c for c in tied if earlier.get(c, Fraction(0)) == least]
        if len(narrowed) < len(tied):
            tied = narrowed
            if len(tied) == 1:
                return tied[0], f"tie for last broken by an earlier round: {tied[0]!r} out"
    return tied[-1], f"tie for last in every round: {tied[-1]!r}, drawn last by lot, out"


def instant_runoff(
    ballots: Sequence[Sequence[Candidate]], candidates: Sequence[Candidate]
) -> RankedResult:
    """Instant-runoff voting (the alternative vote) for one seat.

    Each round counts every ballot for its highest-ranked continuing candidate. A
    candidate with more than half of the ballots still counting wins; otherwise the
    candidate with the fewest votes is eliminated (ties: see `_lowest`). Ballots whose
    candidates have all gone are exhausted and count no further.
    """
    for ranking in ballots:
        check_ranking(ranking, candidates)
    if not candidates:
        raise TallyInputError("an election needs at least one candidate")
    continuing = list(candidates)
    lot = lot_order(candidates, ballots)
    rounds: list[Round] = []
    history: list[dict[Candidate, Fraction]] = []
    notes: list[str] = []
    while True:
        votes: dict[Candidate, Fraction] = {c: Fraction(0) for c in continuing}
        exhausted = Fraction(0)
        for ranking in ballots:
            top = next((c for c in ranking if c in votes), None)
            if top is None:
                exhausted += 1
            else:
                votes[top] += 1
        counting = sum(votes.values())
        leader = max(continuing, key=lambda c: votes[c])  # a majority has no equal
        if len(continuing) == 1 or (counting > 0 and votes[leader] * 2 > counting):
            rounds.append(Round(dict(votes), elected=(leader,), exhausted=exhausted))
            return RankedResult((leader,), tuple(rounds), tie_breaks=tuple(notes))
        out, note = _lowest(votes, history, lot)
        if note:
            notes.append(note)
        rounds.append(Round(dict(votes), eliminated=(out,), exhausted=exhausted, note=note))
        history.append(votes)
        continuing.remove(out)


def droop_quota(valid: int, seats: int) -> Fraction:
    """The Droop quota, floor(valid / (seats + 1)) + 1."""
    return Fraction(valid // (seats + 1) + 1)


def single_transferable_vote(
    ballots: Sequence[Sequence[Candidate]], candidates: Sequence[Candidate], *, seats: int
) -> RankedResult:
    """The single transferable vote for several seats: Droop quota, surpluses passed on
    by the weighted inclusive Gregory method, in exact fractions.

    Each round: any candidate at or above the quota is elected (the largest first) and
    their surplus is transferred — every ballot in their pile moves on to its next
    continuing preference at its weight × surplus ÷ their votes. When nobody reaches
    the quota the candidate with the fewest votes is eliminated and their ballots move on
    at the weight they carry. When the continuing candidates are no more than the seats
    left, they are all elected.
    """
    if seats < 1:
        raise TallyInputError("an election needs at least one seat")
    if len(candidates) < seats:
        raise TallyInputError("there are fewer candidates than seats")
    for ranking in ballots:
        check_ranking(ranking, candidates)
    valid = sum(1 for ranking in ballots if ranking)
    quota = droop_quota(valid, seats)
    # Each ballot: its ranking, where it stands now, and its current weight.
    piles: dict[Candidate, list[tuple[Sequence[Candidate], Fraction]]] = {c: [] for c in candidates}
    continuing = list(candidates)
    lot = lot_order(candidates, ballots)
    elected: list[Candidate] = []
    exhausted = Fraction(0)

    def place(ranking: Sequence[Candidate], weight: Fraction) -> Fraction:
        """Put a ballot on its highest continuing preference; the weight it exhausts."""
        for candidate in ranking:
            if candidate in continuing:
                piles[candidate].append((ranking, weight))
                return Fraction(0)
        return weight

    for ranking in ballots:
        if ranking:
            exhausted += place(ranking, Fraction(1))
    rounds: list[Round] = []
    history: list[dict[Candidate, Fraction]] = []
    notes: list[str] = []
    while len(elected) < seats:
        votes = {c: sum((w for _r, w in piles[c]), Fraction(0)) for c in continuing}
        if len(continuing) <= seats - len(elected):
            rest = tuple(sorted(continuing, key=lambda c: (-votes[c], lot.index(c))))
            elected.extend(rest)
            rounds.append(Round(dict(votes), elected=rest, exhausted=exhausted, note="last seats"))
            break
        reached = sorted(
            (c for c in continuing if votes[c] >= quota),
            key=lambda c: (-votes[c], lot.index(c)),
        )
        if reached:
            winner = reached[0]
            level = [c for c in reached if votes[c] == votes[winner]]
            if len(level) > 1:
                # Who is elected first decides whose surplus moves first: a tie, by lot.
                notes.append(
                    f"tie at the quota between {', '.join(repr(c) for c in level)}: "
                    f"{winner!r} elected first by lot"
                )
            elected.append(winner)
            continuing.remove(winner)
            surplus = votes[winner] - quota
            pile, piles[winner] = piles[winner], []
            if surplus > 0:
                ratio = surplus / votes[winner]
                for ranking, weight in pile:
                    exhausted += place(ranking, weight * ratio)
            rounds.append(Round(dict(votes), elected=(winner,), exhausted=exhausted))
        else:
            out, note = _lowest(votes, history, lot)
            if note:
                notes.append(note)
            continuing.remove(out)
            pile, piles[out] = piles[out], []
            for ranking, weight in pile:
                exhausted += place(ranking, weight)
            rounds.append(Round(dict(votes), eliminated=(out,), exhausted=exhausted, note=note))
        history.append(votes)
    return RankedResult(tuple(elected), tuple(rounds), quota=quota, tie_breaks=tuple(notes))


@dataclass(frozen=True)
class ScoreResult:
    totals: dict[Candidate, int]
    winners: tuple[Candidate, ...]
    tie_break: str


def score_vote(
    ballots: Sequence[Mapping[Candidate, int]],
    candidates: Sequence[Candidate],
    *,
    low: int = 0,
    high: int = 5,
) -> ScoreResult:
    """Score voting: each voter scores each option from `low` to `high` (unscored counts
    as `low`); the highest total wins. A tie for the highest total is broken by the
    number of top scores, then by lot (`lot_order`), and the result says so."""
    if low >= high:
        raise TallyInputError("the lowest score must be below the highest")
    totals: dict[Candidate, int] = dict.fromkeys(candidates, 0)
    tops: dict[Candidate, int] = dict.fromkeys(candidates, 0)
    for ballot in ballots:
        for candidate, score in ballot.items():
            if candidate not in totals:
                raise TallyInputError(f"a ballot scores an unknown option: {candidate!r}")
            if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
                raise TallyInputError(f"a score is a whole number from {low} to {high}")
        for candidate in candidates:
            score = ballot.get(candidate, low)
            totals[candidate] += score
            tops[candidate] += score == high
    if not candidates:
        raise TallyInputError("a vote needs at least one option")
    best = max(totals.values())
    tied = [c for c in lot_order(candidates, ballots) if totals[c] == best]
    note = ""
    if len(tied) > 1:
        most_tops = max(tops[c] for c in tied)
        tied = [c for c in tied if tops[c] == most_tops]
        note = "tie on total broken by the number of top scores"
        if len(tied) > 1:
            note = f"tie on total and top scores between {tied!r}: {tied[0]!r} by lot"
    return ScoreResult(totals, (tied[0],), note)


def plurality(
    ballots: Sequence[Candidate], candidates: Sequence[Candidate]
) -> tuple[dict[Candidate, int], tuple[Candidate, ...]]:
    """Single choice: the most votes wins; every option tied for most is returned, for
    the proposal's rules (a second round, or the order of the options) to settle."""
    counts: dict[Candidate, int] = dict.fromkeys(candidates, 0)
    for choice in ballots:
        if choice not in counts:
            raise TallyInputError(f"a ballot chooses an unknown option: {choice!r}")
        counts[choice] += 1
    best = max(counts.values(), default=0)
    return counts, tuple(c for c in candidates if counts[c] == best and best > 0)


def approval(
    ballots: Sequence[Sequence[Candidate]], candidates: Sequence[Candidate]
) -> tuple[dict[Candidate, int], tuple[Candidate, ...]]:
    """Multiple choice: each ballot approves any number of options, each once; the
    options with the most approvals are returned."""
    for ballot in ballots:
        check_ranking(ballot, candidates)  # the same rule: known options, no repeats
    counts: dict[Candidate, int] = dict.fromkeys(candidates, 0)
    for ballot in ballots:
        for choice in ballot:
            counts[choice] += 1
    best = max(counts.values(), default=0)
    return counts, tuple(c for c in candidates if counts[c] == best and best > 0)


def threshold_majority(ballots: Sequence[str], threshold: Fraction) -> ThresholdResult:
    """The governed threshold rule: at least `threshold` of the yes and no votes, and
    more yes than no. One rule for every threshold: at 1/2 it is a simple majority (a tie
    fails), at 2/3 it is the usual two-thirds majority."""
    result = threshold_vote(ballots, threshold=threshold, strict=False)
    passed = result.passed and result.yes > result.no
    rule = f"at least {threshold} of yes and no, and more yes than no"
    return ThresholdResult(result.yes, result.no, result.abstain, passed, rule)


# --- A whole decision: quorum, then the method's count -----------------------------------

METHODS = ("yes_no", "consent", "ranked", "single", "multiple", "score")
SCORE_RANGE = (0, 5)


@dataclass(frozen=True)
class DecisionRules:
    """Everything a proposal's count depends on, stored with its result so anyone can
    recount it later under the rules that held when it closed."""

    method: str
    electorate: int
    quorum: Fraction
    threshold: Fraction = Fraction(1, 2)
    objection_threshold: Fraction = Fraction(1, 10)
    options: tuple[str, ...] = ()
    seats: int = 1


# A ballot as stored: its choice (yes / no / abstain, consent / object, or "answer") and,
# for an answer, the ranking or chosen option keys (a list) or the scores (a dict).
StoredBallot = tuple[str, Any]


def _fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def decide(ballots: Sequence[StoredBallot], rules: DecisionRules) -> dict[str, Any]:
    """The result of a closed vote as plain JSON data: void when the ballots cast
    (abstentions included) miss the quorum, else passed or failed by the method.

    For elections and free decisions "passed" means a choice was made: `winners` names
    it. A free decision with no answer at all (everyone abstained) fails.
    """
    if rules.method not in METHODS:
        raise TallyInputError(f"no such voting method: {rules.method!r}")
    cast = len(ballots)
    reached = quorum_met(cast=cast, electorate=rules.electorate, quorum=rules.quorum)
    result: dict[str, Any] = {
        "method": rules.method,
        "cast": cast,
        "electorate": rules.electorate,
        "quorum": _fraction_text(rules.quorum),
        "quorum_met": reached,
    }
    passed = _count(ballots, rules, result)
    result["outcome"] = "void" if not reached else ("passed" if passed else "failed")
    return result


def _answers(ballots: Sequence[StoredBallot]) -> list[Any]:
    return [answer for choice, answer in ballots if choice == "answer"]


def _count(ballots: Sequence[StoredBallot], rules: DecisionRules, result: dict[str, Any]) -> bool:
    """Fill `result` with the method's counts; whether the proposal passed."""
    choices = [choice for choice, _answer in ballots]
    options = list(rules.options)
    result["abstain"] = choices.count("abstain")
    if rules.method == "yes_no":
        majority = threshold_majority(choices, rules.threshold)
        result.update(yes=majority.yes, no=majority.no, threshold=_fraction_text(rules.threshold))
        result["rule"] = majority.rule
        return majority.passed
    if rules.method == "consent":
        consent = consent_vote(choices, objection_threshold=rules.objection_threshold)
        result.update(
            consent=consent.consent,
            objections=consent.objections,
            objection_threshold=_fraction_text(rules.objection_threshold),
        )
        return consent.passed
    unknown = set(choices) - {"answer", "abstain"}
    if unknown:
        raise TallyInputError(f"a ballot says {sorted(unknown)[0]!r}, not an answer")
    answers = _answers(ballots)
    if rules.method == "ranked":
        rankings = [list(answer) for answer in answers]
        ranked = (
            instant_runoff(rankings, options)
            if rules.seats == 1
            else single_transferable_vote(rankings, options, seats=rules.seats)
        )
        result.update(
            seats=rules.seats,
            winners=list(ranked.winners) if any(rankings) else [],
            quota=_fraction_text(ranked.quota) if ranked.quota is not None else None,
            rounds=[
                {
                    "votes": {c: _fraction_text(v) for c, v in r.votes.items()},
                    "elected": list(r.elected),
                    "eliminated": list(r.eliminated),
                    "exhausted": _fraction_text(r.exhausted),
                    "note": r.note,
                }
                for r in ranked.rounds
            ],
            tie_breaks=list(ranked.tie_breaks),
        )
        return bool(result["winners"])
    if rules.method == "score":
        low, high = SCORE_RANGE
        scored = score_vote([dict(answer) for answer in answers], options, low=low, high=high)
        result.update(
            totals=scored.totals,
            winners=list(scored.winners) if answers else [],
            tie_break=scored.tie_break,
        )
        return bool(answers)
    if rules.method == "single":
        for answer in answers:
            if len(answer) != 1:
                raise TallyInputError("a single-choice ballot chooses exactly one option")
        counts, tied = plurality([answer[0] for answer in answers], options)
    else:
        counts, tied = approval([list(answer) for answer in answers], options)
    # A tie for most votes is broken by lot, and the result says so.
    drawn = [c for c in lot_order(options, answers) if c in tied]
    result.update(
        counts=counts,
        winners=drawn[:1],
        tie_break=f"tie between {list(tied)!r}: {drawn[0]!r} by lot" if len(tied) > 1 else "",
    )
    return bool(tied)
