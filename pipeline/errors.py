"""One exception family for everything a user can cause.

Every stage raises its subclass of :class:`PipelineError` with the file (or setting) it was
working on; the subclass fixes the stage. The CLI turns any of them into one actionable line
(``FILE: [STAGE] what is wrong and what to do``) and carries on with the other inputs.
"""

from __future__ import annotations

import os
import warnings
from typing import ClassVar, Literal

Stage = Literal[
    "ingest",
    "normalize",
    "segment",
    "model",
    "translate",
    "enforce",
    "glossary",
    "export",
    "review",
    "memory",
    "settings",
    "run",
]


class PipelineError(Exception):
    """A problem with one input or setting that the user can fix.

    ``message`` says what is wrong *and* what to do about it; ``file`` is the input, output or
    setting (``--device``) it concerns; ``stage`` is fixed by the subclass.
    """

    stage: ClassVar[Stage] = "run"

    def __init__(self, message: str, *, file: str | os.PathLike[str]) -> None:
        super().__init__(message)
        self.message = message
        self.file = os.fspath(file)

    def __str__(self) -> str:
        return f"{self.file}: [{self.stage}] {self.message}"


class IngestError(PipelineError):
    """An input cannot be found, read, decoded or parsed."""

    stage = "ingest"


class NormalizeError(PipelineError):
    """Script conversion cannot run (a missing dictionary, an unknown conversion)."""

    stage = "normalize"


class SegmentError(PipelineError):
    """A document cannot be cut into sentences as asked."""

    stage = "segment"


class ModelError(PipelineError):
    """The translation package is missing, broken, or cannot be fetched or installed."""

    stage = "model"


class TranslateError(PipelineError):
    """The engine cannot run as asked (device, compute type)."""

    stage = "translate"


class EnforceError(PipelineError):
    """Glossary enforcement is configured in a way that cannot work."""

    stage = "enforce"


class GlossaryError(PipelineError):
    """A glossary file is missing or malformed; ``message`` carries line numbers."""

    stage = "glossary"


class ExportError(PipelineError):
    """An export cannot be written (unknown format, not a run folder)."""

    stage = "export"


class ReviewError(PipelineError):
    """A review file cannot be read or does not match its run."""

    stage = "review"


class TranslationMemoryError(PipelineError):
    """A translation memory is missing, damaged or of another schema."""

    stage = "memory"


class RunFolderError(PipelineError):
    """The output folder cannot take the run: a file, an input, not writable, locked by
    another run, holding a run with other settings, or a write into it failed (full disk)."""

    stage = "run"


class SettingsError(PipelineError):
    """A setting is out of range or unknown; ``file`` names the option."""

    stage = "settings"


class PipelineWarning(UserWarning):
    """Something the user should know that did not stop the work: a damaged translation cache
    moved aside, a cache that could not be written. Raised through :func:`warn` (the standard
    ``warnings`` machinery, so a library caller decides what to do with it); the CLI prints each
    as one ``zhen: warning:`` line."""

    def __init__(self, message: str, *, file: str | os.PathLike[str], stage: Stage) -> None:
        super().__init__(message)
        self.message = message
        self.file = os.fspath(file)
        self.stage = stage

    def __str__(self) -> str:
        return f"{self.file}: [{self.stage}] {self.message}"


def warn(message: str, *, file: str | os.PathLike[str], stage: Stage) -> None:
    """Issue a :class:`PipelineWarning` (``file`` and ``stage`` as for errors)."""
    warnings.warn(PipelineWarning(message, file=file, stage=stage), stacklevel=2)
