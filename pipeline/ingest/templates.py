"""Exporter and site templates, loaded from ``templates.toml`` (data, not code).

A template says what one exporter or site adds around every article — Omnivore's link lines,
Zhihu's counters and title decorations, an RSS exporter's footer — so supporting a new exporter
means adding an entry to the data file, not a branch in the parsers. Generic chrome (dates,
share bars, copyright, credits, position in the page) is in :mod:`pipeline.ingest.chrome` and
:mod:`pipeline.ingest.zones`.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

TEMPLATES_FILE = Path(__file__).with_name("templates.toml")


@dataclass(frozen=True)
class TemplateRule:
    """A line an exporter adds: dropped when ``pattern`` matches the whole visible text."""

    name: str
    why: str
    pattern: re.Pattern[str]
    headings: bool = True
    only_headings: bool = False
    template: str = ""


@dataclass(frozen=True)
class Template:
    """One exporter or site: its line rules, inline residue and title decorations."""

    name: str
    about: str
    hosts: tuple[str, ...]
    rules: tuple[TemplateRule, ...]
    strip: tuple[re.Pattern[str], ...]
    title_prefix: tuple[re.Pattern[str], ...]
    title_suffix: tuple[str, ...]

    def applies_to(self, url: str | None) -> bool:
        """Whether the title decorations apply to a document from ``url``."""
        if not self.hosts:
            return True
        host = (urlsplit(url).hostname or "") if url else ""
        return any(host == h or host.endswith("." + h) for h in self.hosts)


@functools.cache
def templates() -> tuple[Template, ...]:
    """All templates in the data file (read once, on first use)."""
    raw = tomllib.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    out = []
    for entry in raw.get("template", []):
        rules = tuple(
            TemplateRule(
                name=r["name"],
                why=r["why"],
                pattern=re.compile(r["pattern"]),
                headings=r.get("headings", True),
                only_headings=r.get("only_headings", False),
                template=entry["name"],
            )
            for r in entry.get("rule", [])
        )
        out.append(
            Template(
                name=entry["name"],
                about=entry.get("about", ""),
                hosts=tuple(entry.get("hosts", ())),
                rules=rules,
                strip=tuple(re.compile(p, re.M) for p in entry.get("strip", ())),
                title_prefix=tuple(re.compile(p) for p in entry.get("title_prefix", ())),
                title_suffix=tuple(entry.get("title_suffix", ())),
            )
        )
    return tuple(out)


@functools.cache
def template_rules() -> tuple[TemplateRule, ...]:
    """Every template's line rules, in file order."""
    return tuple(rule for t in templates() for rule in t.rules)


def strip_residue(markdown: str) -> str:
    """Raw Markdown without the inline residue templates name (block ids, back-links)."""
    for template in templates():
        for pattern in template.strip:
            markdown = pattern.sub("", markdown)
    return markdown


def template_title(title: str, url: str | None, separators: tuple[str, ...]) -> str:
    """``title`` without the decorations of the site it comes from: a template's prefixes (the
    notification counters Zhihu puts in every page title) wherever they appear, its site-name
    suffix (" - 知乎") only on documents from its hosts."""
    for template in templates():
        for pattern in template.title_prefix:
            title = pattern.sub("", title, count=1) if pattern.match(title) else title
        if not template.title_suffix or not template.applies_to(url):
            continue
        for site in template.title_suffix:
            for sep in separators:
                head, found, tail = title.rpartition(sep)
                if found and tail.strip() == site and head.strip():
                    title = head.strip()
    return title.strip()
