from commonwork.core.errors import DomainError


class MembersError(DomainError):
    """A refused membership operation."""
