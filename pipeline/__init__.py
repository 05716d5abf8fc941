"""zhen: offline Chinese→English document translation with an enforced bilingual glossary.

Importing the package does no work: stages import their heavy dependencies lazily.
"""

__version__ = "0.1.0"
