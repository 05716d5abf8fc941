"""The review loop: read a reviewer's edited export, match it to its run, store it as memory.

:mod:`~pipeline.review.files` reads TSV/CSV and XLIFF review files; :mod:`~pipeline.review.match`
pairs their rows with the run's segments; :mod:`~pipeline.review.importer` stores the reviewed
pairs in the translation memory (:mod:`pipeline.store.memory`).
"""

from pipeline.review.files import ReviewedPair, ReviewRow, read_review_file, review_files
from pipeline.review.importer import ImportReport, import_review
from pipeline.review.match import find_run_dir, load_run, match_run

__all__ = [
    "ImportReport",
    "ReviewRow",
    "ReviewedPair",
    "find_run_dir",
    "import_review",
    "load_run",
    "match_run",
    "read_review_file",
    "review_files",
]
