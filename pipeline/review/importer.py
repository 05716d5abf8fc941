"""``zhen review import``: check reviewed files against their run, then store them in the memory.

What counts as a reviewed edit is documented in :mod:`pipeline.store.memory`; nothing is written
until every row of every file has matched the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.errors import ReviewError
from pipeline.review.edits import edits_header, is_edits
from pipeline.review.files import ReviewedPair, read_review_file, review_files
from pipeline.review.match import find_run_dir, load_run, match_run
from pipeline.review.rows import ReviewRow
from pipeline.store.cache import normalize_source
from pipeline.store.memory import MemoryEntry, TranslationMemory, memory_file, open_memory
from pipeline.store.rundir import RunDir


@dataclass(frozen=True)
class ImportReport:
    """What one ``zhen review import`` did.

    ``stored`` pairs were written (one per distinct source): ``edited`` ones the reviewer changed,
    ``unchanged`` ones the reviewer confirmed as the machine wrote them. Of those, ``new`` were not
    in the memory yet and ``replaced`` overwrote a different English. ``not_reviewed`` rows were
    left alone (not marked and not edited), ``blank`` rows were marked or edited but empty, and
    ``conflicts`` names segments whose English lost to another segment with the same source.
    """

    files: tuple[Path, ...]
    run_dir: Path
    memory: Path
    rows: int
    stored: int
    edited: int
    unchanged: int
    new: int
    replaced: int
    not_reviewed: int
    blank: int
    conflicts: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    unmatched: int = 0


def _by_source(pairs: Sequence[ReviewedPair]) -> tuple[dict[str, ReviewedPair], list[str]]:
    """One pair per memory key: an edit beats a confirmation, then the later pair wins."""
    chosen: dict[str, ReviewedPair] = {}
    conflicts: list[str] = []
    for pair in pairs:
        key = normalize_source(pair.segment.normalized)
        earlier = chosen.get(key)
        if earlier is not None and earlier.en != pair.en:
            if earlier.edited and not pair.edited:
                conflicts.append(pair.segment.id)
                continue
            conflicts.append(earlier.segment.id)
        chosen[key] = pair
    return chosen, conflicts


@contextmanager
def _writing(path: Path) -> Iterator[TranslationMemory]:
    """The memory opened for writing; a memory file this call created is removed on failure."""
    existed = memory_file(path).exists()
    try:
        with open_memory(path, create=True) as memory:
            yield memory
    except BaseException:
        if not existed:
            with suppress(FileNotFoundError):
                memory_file(path).unlink()
        raise


def import_review(
    file: Path | Sequence[Path], run_dir: Path | None = None, memory_path: Path | None = None
) -> ImportReport:
    """``zhen review import``: check reviewed files against their run and store the pairs.

    ``file`` may be one file, a folder of XLIFF files (``xliff/`` as exported), or several of
    either. ``run_dir`` defaults to the nearest folder above the first file holding
    ``documents.jsonl``; ``memory_path`` (a file or a folder) defaults to
    ``RUN_DIR/memory.sqlite3``.
    The memory is not opened, let alone created, until every row has matched the run.
    """
    given = [file] if isinstance(file, str | Path) else list(file)
    if not given:
        raise ReviewError(
            "no review file given; pass the file a reviewer edited", file=str(run_dir or ".")
        )
    files = [p for g in given for p in review_files(Path(g))]
    run = (Path(run_dir) if run_dir is not None else _run_of(files[0])).resolve()
    docs = load_run(run)
    rows_by_file = [(path, read_review_file(path)) for path in files]
    _check_run_id(rows_by_file, run)
    matched = match_run(rows_by_file, docs)
    if matched.unmatched and not matched.pairs and matched.unmatched == _rows(rows_by_file):
        raise ReviewError(
            "no translation unit matches a sentence of the run; pass --run with the run whose "
            "documents the CAT tool translated",
            file=", ".join(str(f) for f in files),
        )
    pairs, not_reviewed, blank = matched.pairs, matched.not_reviewed, matched.blank
    chosen, conflicts = _by_source(pairs)
    imported = datetime.now(UTC).isoformat(timespec="seconds")
    origins = {path: str(path.resolve()) for path in files}
    entries = [
        MemoryEntry(
            source=key,
            en=pair.en,
            mt=pair.segment.en,
            segment_id=pair.segment.id,
            doc_id=pair.segment.doc_id,
            run=str(run),
            origin=origins[pair.origin],
            imported=imported,
        )
        for key, pair in chosen.items()
    ]
    target = memory_file(Path(memory_path) if memory_path is not None else run)
    new = replaced = 0
    if entries:
        with _writing(target) as tm:
            new, replaced = tm.store(entries)
    edited = sum(pair.edited for pair in chosen.values())
    return ImportReport(
        files=tuple(files),
        run_dir=run,
        memory=target,
        rows=_rows(rows_by_file),
        stored=len(entries),
        edited=edited,
        unchanged=len(entries) - edited,
        new=new,
        replaced=replaced,
        not_reviewed=not_reviewed,
        blank=blank,
        conflicts=tuple(conflicts),
        rejected=tuple(matched.rejected),
        unmatched=matched.unmatched,
    )


def _rows(rows_by_file: Sequence[tuple[Path, Sequence[ReviewRow]]]) -> int:
    return sum(len(rows) for _, rows in rows_by_file)


def _run_of(file: Path) -> Path:
    """The run a review file belongs to: the run folder above it, else (for the review page's
    download, which lands in a downloads folder) the run folder the page named."""
    try:
        return find_run_dir(file)
    except ReviewError:
        data = file.read_bytes()
        if is_edits(data):
            named = Path(edits_header(data, file).run_dir)
            if named.is_absolute() and RunDir(named).is_run():
                return named
        raise


def _check_run_id(rows_by_file: Sequence[tuple[Path, Sequence[ReviewRow]]], run: Path) -> None:
    """Refuse edits the review page made on another run (its id is in ``run.json``)."""
    actual = str(RunDir(run).read_signature().get("id") or "")
    for path, rows in rows_by_file:
        named = next((r.run_id for r in rows if r.run_id), "")
        if named and actual and named != actual:
            raise ReviewError(
                f"the edits were made on run {named} but {run} is run {actual}; pass --run "
                "with the folder of the run the review page came from",
                file=str(path),
            )
