"""Glossary enforcement: translate segments so every approved term comes out as the glossary says,
where that does not make the sentence worse.

:mod:`~pipeline.enforce.passes` runs the strategies (plain, placeholder, inline, prefix, insert);
:mod:`~pipeline.enforce.plan` follows each segment through them, judges the candidate sentences
and counts the outcomes; :mod:`~pipeline.enforce.accept` is the acceptance rule (an enforced
sentence against the plain one); :mod:`~pipeline.enforce.draft` turns a decoded draft into the
final English in the run's term style; :mod:`~pipeline.enforce.english` finds placeholders and
renderings and forms them; :mod:`~pipeline.enforce.grammar` is the English grammar around a
rewritten mention; :mod:`~pipeline.enforce.insert` puts a term into the plain sentence;
:mod:`~pipeline.enforce.prefix` forces a dropped term into the best sentence and re-decodes.
"""

from pipeline.enforce.passes import enforce_and_translate

__all__ = ["enforce_and_translate"]
