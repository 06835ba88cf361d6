"""The tallies, against published worked examples and against each other."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commonwork.governance.tally import (
    TallyInputError,
    approval,
    consent_vote,
    droop_quota,
    instant_runoff,
    plurality,
    quorum_met,
    score_vote,
    simple_majority,
    single_transferable_vote,
    supermajority,
)


def test_instant_runoff_on_the_tennessee_capital_example() -> None:
    # Wikipedia, "Instant-runoff voting": 100 voters in the proportions of the example.
    ballots = (
        [["Memphis", "Nashville", "Chattanooga", "Knoxville"]] * 42
        + [["Nashville", "Chattanooga", "Knoxville", "Memphis"]] * 26
        + [["Chattanooga", "Knoxville", "Nashville", "Memphis"]] * 15
        + [["Knoxville", "Chattanooga", "Nashville", "Memphis"]] * 17
    )
    result = instant_runoff(ballots, ["Memphis", "Nashville", "Chattanooga", "Knoxville"])
    assert result.winners == ("Knoxville",)
    assert [r.eliminated for r in result.rounds[:2]] == [("Chattanooga",), ("Nashville",)]
    assert result.rounds[-1].votes == {"Memphis": 42, "Knoxville": 58}


def test_stv_on_the_food_at_a_party_example() -> None:
    # Wikipedia, "Single transferable vote": 20 voters, 3 seats, Droop quota 6.
    ballots = (
        [["Oranges"]] * 4
        + [["Pears", "Oranges"]] * 2
        + [["Chocolate", "Strawberries"]] * 8
        + [["Chocolate", "Hamburgers"]] * 4
        + [["Strawberries"]]
        + [["Hamburgers"]]
    )
    options = ["Oranges", "Pears", "Chocolate", "Strawberries", "Hamburgers"]
    result = single_transferable_vote(ballots, options, seats=3)
    assert result.quota == 6
    assert result.winners == ("Chocolate", "Oranges", "Strawberries")
    # Chocolate's surplus of 6 from 12 votes moves on at half a vote per ballot.
    after_chocolate = result.rounds[1].votes
    assert after_chocolate["Strawberries"] == 1 + Fraction(8, 2)
    assert after_chocolate["Hamburgers"] == 1 + Fraction(4, 2)


def test_droop_quota() -> None:
    assert droop_quota(100, 1) == 51
    assert droop_quota(20, 3) == 6


def test_thresholds_count_yes_and_no_and_never_abstentions() -> None:
    ballots = ["yes"] * 5 + ["no"] * 4 + ["abstain"] * 50
    assert simple_majority(ballots).passed
    assert not simple_majority(["yes"] * 5 + ["no"] * 5).passed  # a tie is not a majority
    assert supermajority(["yes"] * 2 + ["no"]).passed  # exactly two thirds
    assert not supermajority(["yes"] * 65 + ["no"] * 34).passed
    assert not simple_majority(["abstain"] * 3).passed


def test_quorum_counts_abstentions_against_the_electorate() -> None:
    assert quorum_met(cast=50, electorate=100, quorum=Fraction(1, 2))
    assert not quorum_met(cast=49, electorate=100, quorum=Fraction(1, 2))
    assert not quorum_met(cast=0, electorate=0, quorum=Fraction(0))
    with pytest.raises(TallyInputError):
        quorum_met(cast=101, electorate=100, quorum=Fraction(1, 2))


def test_consent_passes_unless_objections_reach_the_threshold() -> None:
    assert consent_vote(["consent"] * 9 + ["object"], objection_threshold=Fraction(1, 5)).passed
    blocked = consent_vote(["consent"] * 8 + ["object"] * 2, objection_threshold=Fraction(1, 5))
    assert not blocked.passed
    assert consent_vote([], objection_threshold=Fraction(1, 10)).passed


def test_score_plurality_and_approval() -> None:
    result = score_vote([{"a": 5, "b": 3}, {"a": 0, "b": 4}, {"c": 5}], ["a", "b", "c"])
    assert result.totals == {"a": 5, "b": 7, "c": 5}
    assert result.winners == ("b",)
    tie = score_vote([{"a": 5, "b": 4}, {"a": 3, "b": 4}], ["a", "b"])
    assert tie.winners == ("a",)  # level totals; "a" has the only top score
    assert tie.tie_break
    assert plurality(["x", "y", "x"], ["x", "y"]) == ({"x": 2, "y": 1}, ("x",))
    assert approval([["x", "y"], ["y"]], ["x", "y", "z"]) == ({"x": 1, "y": 2, "z": 0}, ("y",))


@pytest.mark.parametrize(
    "ranking", [["a", "a"], ["a", "zz"]], ids=["a repeat", "an unknown candidate"]
)
def test_a_bad_ranking_is_refused(ranking: list[str]) -> None:
    with pytest.raises(TallyInputError):
        instant_runoff([ranking], ["a", "b"])
    with pytest.raises(TallyInputError):
        single_transferable_vote([ranking], ["a", "b"], seats=1)


def test_bad_scores_and_seats_are_refused() -> None:
    with pytest.raises(TallyInputError):
        score_vote([{"a": 6}], ["a"])
    with pytest.raises(TallyInputError):
        score_vote([{"zz": 1}], ["a"])
    with pytest.raises(TallyInputError):
        single_transferable_vote([["a"]], ["a"], seats=2)
    with pytest.raises(TallyInputError):
        simple_majority(["maybe"])


CANDIDATES = ["a", "b", "c", "d"]
rankings = st.permutations(CANDIDATES).flatmap(
    lambda order: st.integers(min_value=1, max_value=len(order)).map(lambda n: list(order[:n]))
)


@settings(max_examples=200, deadline=None)
@given(ballots=st.lists(rankings, min_size=1, max_size=40))
def test_stv_for_one_seat_elects_the_instant_runoff_winner(ballots: list[list[str]]) -> None:
    irv = instant_runoff(ballots, CANDIDATES)
    stv = single_transferable_vote(ballots, CANDIDATES, seats=1)
    assert stv.winners == irv.winners


@settings(max_examples=200, deadline=None)
@given(ballots=st.lists(rankings, min_size=1, max_size=40), seats=st.integers(1, 3))
def test_stv_fills_every_seat_and_never_creates_or_loses_votes(
    ballots: list[list[str]], seats: int
) -> None:
    result = single_transferable_vote(ballots, CANDIDATES, seats=seats)
    assert len(result.winners) == seats
    assert len(set(result.winners)) == seats
    exhausted_before, elected_before = Fraction(0), 0
    for counted in result.rounds:
        # Votes still with candidates, plus exhausted ones, plus the quota each elected
        # candidate keeps, account for every ballot exactly: nothing made or lost.
        held = sum(counted.votes.values()) + exhausted_before
        assert held + elected_before * result.quota == len(ballots)  # type: ignore[operator]
        exhausted_before = counted.exhausted
        elected_before += len(counted.elected)
    irv = instant_runoff(ballots, CANDIDATES)
    final = irv.rounds[-1]
    assert final.votes[irv.winners[0]] * 2 > sum(final.votes.values()) or len(final.votes) == 1


def test_a_tie_at_the_quota_is_named_and_drawn_by_lot() -> None:
    """13 ballots, 3 seats, quota 4: A and C both hold 5 first preferences. Which is
    elected first decides whose surplus moves first; the result names the tie, and the
    lot, drawn from the ballots, not the candidates' order, decides it."""
    from commonwork.governance.tally import droop_quota, lot_order, single_transferable_vote

    ballots = (
        [["A", "B"]] * 3
        + [["A", "D"]] * 2
        + [["C", "D"]] * 3
        + [["C", "B"]] * 2
        + [["B"]] * 2
        + [["D"]] * 1
    )
    assert droop_quota(len(ballots), 3) == 4
    forward = single_transferable_vote(ballots, ["A", "B", "C", "D"], seats=3)
    backward = single_transferable_vote(ballots, ["D", "C", "B", "A"], seats=3)
    assert forward.winners == backward.winners  # the ballot paper's order decides nothing
    assert forward.tie_breaks == backward.tie_breaks
    assert any("tie at the quota" in note for note in forward.tie_breaks)
    first = forward.rounds[0].elected[0]
    drawn = [c for c in lot_order(["A", "B", "C", "D"], ballots) if c in ("A", "C")]
    assert first == drawn[0]
    assert f"{first!r} elected first by lot" in " ".join(forward.tie_breaks)
    # The same ballots always draw the same, whatever order the candidates come in.
    assert lot_order(["A", "C"], ballots) == lot_order(["C", "A"], ballots)
