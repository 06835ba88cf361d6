from commonwork.core.errors import DomainError


class GovernanceError(DomainError):
    """A refused governance operation."""
