"""User-facing errors: each carries one line that names what is wrong."""


class PipelineError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits 1."""


class NotFoundError(PipelineError):
    """An id or name that does not exist."""


class ConflictError(PipelineError):
    """An operation that the current state forbids (a move of a won deal, say)."""


class StaleError(ConflictError):
    """An edit based on values someone else has changed since; ``fields`` names them."""

    def __init__(self, message: str, fields: list[str]) -> None:
        super().__init__(message)
        self.fields = fields
