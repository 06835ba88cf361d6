"""Every write of governance: parameters outside a vote, and proposals that change the
platform: propose, discuss, vote, close, and apply.

Kinds: parameter change, admission, removal (with an appeal), surplus allocation,
bylaw amendment, election of stewards, free decision (see ProposalKind); each kind
has one ballot method (BallotMethod): yes/no under a governed threshold, ranked
choice, single or multiple choice, score, or consent.

Lifecycle: draft (seen by its author only) → discussion (comments; the author may
amend) → voting (opens at `voting_opens_at`; the electorate is fixed then: the active
members at that moment) → closed at `voting_closes_at` as passed, failed, or void
(quorum missed). The effect (governance.effects) is applied in the same transaction
that closes the vote. Opening and closing run on the scheduler and are idempotent."""

from commonwork.governance.actions._shared import (
    REMIND_BEFORE,
)
from commonwork.governance.actions.ballots import (
    ballots_of,
    cast_ballot,
    cast_secret_ballot,
    check_ballot,
    receipt_digest,
)
from commonwork.governance.actions.delegation import (
    delegate_votes,
    revoke_delegation,
)
from commonwork.governance.actions.lifecycle import (
    advance_due_proposals,
    close_voting,
    open_voting,
    remind_before_close,
    rules_for,
    stored_rules,
    verify_results,
)
from commonwork.governance.actions.notices import mark_notices_read
from commonwork.governance.actions.parameters import set_parameter
from commonwork.governance.actions.proposals import (
    APPEAL_DISCUSSION,
    FREE_METHODS,
    MAX_BYLAWS_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_OPTIONS,
    SURPLUS_SHARES,
    ProposalContent,
    amend_proposal,
    appeal_removal,
    comment_on,
    minimum_window,
    propose,
    publish,
    write_candidate_statement,
    write_outcome_statement,
)
from commonwork.governance.errors import GovernanceError

__all__ = [
    "APPEAL_DISCUSSION",
    "FREE_METHODS",
    "MAX_BYLAWS_LENGTH",
    "MAX_COMMENT_LENGTH",
    "MAX_OPTIONS",
    "REMIND_BEFORE",
    "SURPLUS_SHARES",
    "GovernanceError",
    "ProposalContent",
    "advance_due_proposals",
    "amend_proposal",
    "appeal_removal",
    "ballots_of",
    "cast_ballot",
    "cast_secret_ballot",
    "check_ballot",
    "close_voting",
    "comment_on",
    "delegate_votes",
    "mark_notices_read",
    "minimum_window",
    "open_voting",
    "propose",
    "publish",
    "receipt_digest",
    "remind_before_close",
    "revoke_delegation",
    "rules_for",
    "set_parameter",
    "stored_rules",
    "verify_results",
    "write_candidate_statement",
    "write_outcome_statement",
]
