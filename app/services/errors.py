"""The one error type services raise for a rule the caller broke."""


class RuleBroken(ValueError):
    """A domain rule refused the change. `field` names the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(RuleBroken):
    """Someone else saved the record after this edit began (optimistic locking)."""
