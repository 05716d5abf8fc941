"""One exception type for everything a user can cause.

Every stage raises :class:`PipelineError` (or a subclass) with the file it was working on and the
stage name, so the CLI can print one actionable line per bad input and carry on with the rest.
"""

from __future__ import annotations


class PipelineError(Exception):
    """A problem with one input or setting that the user can fix.

    ``message`` says what is wrong *and* what to do about it; ``file`` and ``stage`` locate it.
    """

    def __init__(self, message: str, *, file: str | None = None, stage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.stage = stage

    def __str__(self) -> str:
        where = f"{self.file}: " if self.file else ""
        stage = f"[{self.stage}] " if self.stage else ""
        return f"{where}{stage}{self.message}"


class ModelError(PipelineError):
    """The translation package is missing, broken, or cannot be fetched."""


class GlossaryError(PipelineError):
    """A glossary file is malformed; ``message`` carries line numbers."""
