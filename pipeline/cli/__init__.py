"""The ``zhen`` command: a thin Typer layer over the library.

:mod:`~pipeline.cli.app` holds the root commands (``translate``, ``segment``, ``export``) and
mounts the ``models``, ``glossary`` and ``review`` groups; :mod:`~pipeline.cli.common` has the
options they share and the error reporting; :mod:`~pipeline.cli.progress` the progress bars and
run summary; :mod:`~pipeline.cli.segments` prints ``zhen segment`` output.
"""

from pipeline.cli.app import app, main

__all__ = ["app", "main"]
