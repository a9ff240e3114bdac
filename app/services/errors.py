"""The one error type services raise for a rule the caller broke."""


class RuleBroken(ValueError):
    """A domain rule refused the change. `field` names the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class FileRejected(RuleBroken):
    """A file refused whole, nothing changed; ``problems`` lists each as 'row N, column C: what
    is wrong' (at most the first ones: ``total`` counts them all)."""

    AGAIN = "import"  # what the person does next with the corrected file: import it, or upload it

    def __init__(self, problems: list[str], total: int):
        shown = len(problems)
        more = f" (the first {shown} are listed)" if total > shown else ""
        super().__init__(f"Nothing was imported: the file has {total} problem{'s' if total != 1 else ''}{more}. "
                         f"Correct them and {self.AGAIN} the whole file again.", field="file")
        self.problems = problems
        self.total = total


class StaleEdit(RuleBroken):
    """Someone else saved the record after this edit began (optimistic locking)."""
