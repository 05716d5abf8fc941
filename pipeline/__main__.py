"""``python -m pipeline`` runs the ``zhen`` command."""

from pipeline.cli import main

main()
