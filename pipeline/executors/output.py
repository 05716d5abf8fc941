"""The run's writing side: each finished document written in run order, under its final id.

Executors hand inputs back in run order (:mod:`pipeline.executors`); :class:`DocumentWriter`
gives each document its final id, writes its Markdown and per-document exports, then has the
:class:`~pipeline.store.recorder.Recorder` append its records and manifest line, and counts the
whole run (kept documents included) in :class:`Totals`.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.document import Document, DocumentTerm
from pipeline.errors import ExportError
from pipeline.executors import Job, ModelSignature
from pipeline.executors.steps import DocumentIds, Work, provisional_id, rename
from pipeline.export import RunInfo, exporter, term_lookup_from, write_document_outputs
from pipeline.glossary.terms import fold
from pipeline.settings import RunOptions
from pipeline.store.recorder import Recorder, write_error
from pipeline.store.rundir import PER_DOCUMENT, RunDir
from pipeline.store.runfolder import Entry


@dataclass
class Totals:
    """Whole-run counts, summed from each document's manifest entry (kept ones included)."""

    documents: int = 0
    segments: int = 0
    chars: int = 0
    kept: int = 0
    files: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)

    def add(self, entry: Entry, kept: bool) -> None:
        self.documents += 1
        self.segments += entry.segments
        self.chars += entry.chars
        self.kept += kept
        self.files += len(entry.files)
        self.statuses.update(entry.statuses)
        self.flags.update(entry.flags)


@dataclass
class OwnTerms:
    """The ``document_terms`` block of ``run.json``: the terms documents gloss themselves,
    summed from each document's entry (kept ones included), and ``proposed``: a term one
    document glosses whose Chinese also occurs in another document of its window. Those are for
    a reviewer (a glossary candidate), never enforced there: a name glossed in one article may
    be another person in the next. Windows bound the comparison, as they bound boilerplate."""

    terms: int = 0
    applied: int = 0
    missed: int = 0
    proposed: list[dict[str, Any]] = field(default_factory=list)
    _window: str = ""
    _members: list[tuple[str, list[DocumentTerm], str] | Entry] = field(default_factory=list)

    def add(
        self, window: str, entry: Entry, doc: Document | None, load: Callable[[Entry], Document]
    ) -> None:
        """Count a written (``doc`` given) or kept document; compare the previous window's
        documents once that window is done."""
        if window != self._window:
            self.close(load)
            self._window = window
        self.terms += len(entry.own_terms)
        self.applied += sum(int(r.get("applied", 0)) for r in entry.own_terms)
        self.missed += sum(int(r.get("missed", 0)) for r in entry.own_terms)
        if doc is None:
            self._members.append(entry)
        else:
            text = "\n".join(s.normalized for s in doc.segments)
            self._members.append((doc.id, list(doc.terms), text))

    def close(self, load: Callable[[Entry], Document]) -> None:
        """Find the window's proposed terms (kept documents are read back only if the window
        has any terms at all)."""
        members, self._members = self._members, []
        if not any(m.own_terms if isinstance(m, Entry) else m[1] for m in members):
            return
        summaries = []
        for member in members:
            if isinstance(member, Entry):
                doc = load(member)
                summaries.append((doc.id, doc.terms, "\n".join(s.normalized for s in doc.segments)))
            else:
                summaries.append(member)
        for doc_id, terms, _ in summaries:
            for term in terms:
                elsewhere = [
                    other
                    for other, other_terms, text in summaries
                    if other != doc_id
                    and not any(fold(t.en) == fold(term.en) for t in other_terms)
                    and any(form in text for form in term.zh)
                ]
                if elsewhere:
                    self.proposed.append(
                        {
                            "id": term.id,
                            "zh": term.zh,
                            "en": term.en,
                            "from": doc_id,
                            "in": elsewhere,
                        }
                    )

    def to_json(self) -> dict[str, Any]:
        return {
            "terms": self.terms,
            "applied": self.applied,
            "missed": self.missed,
            "proposed": self.proposed,
        }


def own_term_rows(doc: Document) -> tuple[dict[str, Any], ...]:
    """Each term the document glosses, with how many of its segments applied and missed it."""
    return tuple(
        asdict(term)
        | {
            "applied": sum(term.id in s.terms_applied for s in doc.segments),
            "missed": sum(term.id in s.terms_missed for s in doc.segments),
        }
        for term in doc.terms
    )


def chars(docs: Iterable[Document]) -> int:
    return sum(len(s.normalized) for d in docs for s in d.segments)


_NAME_ERRORS = frozenset({errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL})
"""Write errors that come from a document's file name, not from the folder: that input fails,
the run goes on."""


class DocumentWriter:
    """Writes each finished document (Markdown, per-document exports, records, manifest line)
    in run order, giving it its final id; counts the whole run."""

    def __init__(self, run_dir: RunDir, recorder: Recorder, options: RunOptions, job: Job) -> None:
        self.run_dir, self.recorder, self.job = run_dir, recorder, job
        self.ids = DocumentIds()
        self.totals = Totals()
        self.own_terms = OwnTerms()
        self.per_document = [f for f in options.exports if f in PER_DOCUMENT]
        glossary = job.glossary
        self.lookup = term_lookup_from(glossary.terms) if glossary is not None else None
        self.settings = asdict(job.settings)

    def write(self, work: Work) -> None:
        """Write one input's documents (or keep them, when an earlier run finished them); a
        failed write (full disk, lost permission) is one line, with finished documents kept."""
        try:
            self._write(work)
        except OSError as exc:
            raise write_error(exc, Path(exc.filename or self.run_dir.path)) from None

    def _write(self, work: Work) -> None:
        if work.kept and self._keep(work):
            return
        for part, (doc, base) in enumerate(zip(work.docs, work.bases, strict=True)):
            rename(doc, self.ids.assign(base))
            try:
                files = self._files(doc)
            except OSError as exc:
                if exc.errno not in _NAME_ERRORS:
                    raise
                self._drop(doc)
                work.failure = ExportError(
                    f"cannot write its outputs as {doc.id!r} ({exc.strerror}); give the input "
                    "a shorter or plainer file name",
                    file=work.source,
                )
                return
            entry = self.recorder.record(_entry(doc, base, work, part, files, self.run_dir), doc)
            self.totals.add(entry, kept=False)
            self.own_terms.add(work.window, entry, doc, self.recorder.load)

    def _drop(self, doc: Document) -> None:
        """Remove what was written of a document that could not be written whole."""
        paths = [self.run_dir.english(doc.id), self.run_dir.bilingual(doc.id)]
        paths += [self.run_dir.export(fmt) / f"{doc.id}.xlf" for fmt in self.per_document]
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink()

    def _keep(self, work: Work) -> bool:
        """Keep a finished input's documents; when their ids would now differ (an input added
        before them has the same name), load them back and write them under the new ids."""
        entries = self.recorder.kept(work.source, work.fingerprint, work.window) or []
        ids = [self.ids.assign(e.base) for e in entries]
        if ids == [e.id for e in entries]:
            self.recorder.keep(work.source)
            for entry in entries:
                self.totals.add(entry, kept=True)
                self.own_terms.add(work.window, entry, None, self.recorder.load)
            return True
        work.docs = [self.recorder.load(e) for e in entries]
        work.bases = [e.base for e in entries]
        for part, doc in enumerate(work.docs):
            rename(doc, provisional_id(doc.id, work.order, part))
        self.ids.release(ids)
        return False

    def _files(self, doc: Document) -> list[Path]:
        files = write_document_outputs(doc, self.run_dir)
        if self.per_document:
            run = recorded_run_info(self.job.model, self.settings, self.recorder, self.run_dir.path)
            for fmt in self.per_document:
                files += exporter(fmt)([doc], run, self.run_dir.export(fmt), self.lookup)
        return files


def _entry(
    doc: Document, base: str, work: Work, part: int, files: list[Path], run_dir: RunDir
) -> Entry:
    return Entry(
        id=doc.id,
        base=base,
        source=work.source,
        fingerprint=work.fingerprint,
        window=work.window,
        part=part,
        parts=len(work.docs),
        format=doc.format,
        encoding=doc.encoding,
        title=doc.meta.title,
        url=doc.meta.url,
        blocks=len(doc.blocks),
        segments=len(doc.segments),
        chars=chars([doc]),
        files=tuple(os.path.relpath(f, run_dir.path) for f in files),
        documents=(0, 0),
        records=(0, 0),
        statuses=Counter(s.status for s in doc.segments),
        flags=Counter(f for s in doc.segments for f in s.flags),
        own_terms=own_term_rows(doc),
    )


def recorded_run_info(
    model: ModelSignature | None, settings: dict[str, Any], recorder: Recorder, run_dir: Path
) -> RunInfo:
    return run_info(model, settings, recorder.run_id, run_dir, recorder.created)


def run_info(
    model: ModelSignature | None,
    settings: dict[str, Any],
    run_id: str,
    run_dir: Path,
    created: datetime | None = None,
) -> RunInfo:
    """What the exports say about the run that made them."""
    return RunInfo(
        tool_version=__version__,
        model_name=f"{model['model']} {model['version']}" if model else "unknown",
        created=created or datetime.now(UTC),
        settings=settings,
        run_id=run_id,
        run_dir=str(Path(run_dir).resolve()),
    )
