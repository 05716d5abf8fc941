"""The bilingual glossary: data model, TSV format, matching, other formats and mining.

:mod:`~pipeline.glossary.terms` is the data model; :mod:`~pipeline.glossary.tsv` reads and
validates glossary files; :mod:`~pipeline.glossary.match` finds terms in normalized text and
:mod:`~pipeline.glossary.collection` holds a loaded glossary with its matcher;
:mod:`~pipeline.glossary.formats` imports and exports CSV, TBX and DeepL files;
:mod:`~pipeline.glossary.mine` counts terms in a corpus and mines candidate terms.
"""

from pipeline.glossary.collection import Glossary, explain_lines, lookup, match_terms
from pipeline.glossary.formats import (
    add_term,
    export_glossary,
    import_glossary,
    remove_term,
    save_glossary,
)
from pipeline.glossary.mine import extract_candidates, term_stats, terms_frame, write_candidates
from pipeline.glossary.terms import Issue, Match, Term, fold, make_term
from pipeline.glossary.tsv import load_glossaries, load_glossary, validate

__all__ = [
    "Glossary",
    "Issue",
    "Match",
    "Term",
    "add_term",
    "explain_lines",
    "export_glossary",
    "extract_candidates",
    "fold",
    "import_glossary",
    "load_glossaries",
    "load_glossary",
    "lookup",
    "make_term",
    "match_terms",
    "remove_term",
    "save_glossary",
    "term_stats",
    "terms_frame",
    "validate",
    "write_candidates",
]
