from commonwork.core.errors import DomainError


class VaultError(DomainError):
    """A refused operation on personal data, or a read the gate does not allow."""
