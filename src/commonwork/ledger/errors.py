from commonwork.core.errors import DomainError


class LedgerError(DomainError):
    """A refused operation on the books. Nothing was posted when one is raised."""
