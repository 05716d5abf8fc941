"""Glossary enforcement: translate segments so every approved term comes out as the glossary says.

:mod:`~pipeline.enforce.passes` runs the strategies (plain, placeholder, inline, prefix) and
records the outcome per segment; :mod:`~pipeline.enforce.draft` turns a decoded draft into the
final English in the run's term style; :mod:`~pipeline.enforce.english` is the English grammar
around a rewritten mention (articles, plurals, capitals); :mod:`~pipeline.enforce.prefix` forces
a dropped term into the best sentence and re-decodes from there.
"""

from pipeline.enforce.passes import enforce_and_translate

__all__ = ["enforce_and_translate"]
