from commonwork.core.errors import DomainError


class WorkError(DomainError):
    """A refused operation on projects, tasks, offers, disputes or availability."""
