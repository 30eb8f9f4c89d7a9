"""The glossary: terms with their synonyms and definitions, and the links lessons make to them.

The glossary is a content page of kind ``glossary`` whose entries are paragraphs of the form::

    **Doxxing** (also: doxing, dox) — Finding a person's private information…

— the term in bold, optionally the synonyms in brackets (the words before a colon are a label,
which a translation words its own way, with a full-width colon in Chinese; synonyms are
separated by commas in any script), a dash, and the definition. Other paragraphs (an
introduction, say) are allowed. Each entry is a translation unit, so translators translate the
term and its synonyms with the definition, and the term is then recognised in that language.
An entry's anchor comes from the source's term (``#doxxing``), the same in every language.

:class:`TermLinker` turns the first occurrence of each term or synonym in a lesson into a link
to its entry; text inside an existing link, a heading or code is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rightsdesk.content.caching import page_rendering
from rightsdesk.content.kinds import page_url
from rightsdesk.content.models import Page, PageKind
from rightsdesk.content.selectors import page_translations
from rightsdesk.content.source import TRANSLATABLE_FIELDS, SourceError, SourcePage, body_units

ENTRY = re.compile(
    r"^\*\*(?P<term>[^*\n]+?)\*\*\s*"
    # Brackets and colons also in their full-width forms, dashes em, en or hyphen.
    r"(?:[(\uff08](?P<synonyms>[^)\uff09\n]*)[)\uff09]\s*)?"
    r"[\u2014\u2013-]{1,2}\s*(?P<definition>\S.*)$",
    re.DOTALL,
)
LABEL = re.compile(r"^[^:\uff1a]*[:\uff1a]\s*")
# Commas and semicolons: Latin, Arabic-script, ideographic and full-width.
SEPARATORS = re.compile(r"\s*[,\u060c\u3001\uff0c;\u061b]\s*")
SCRIPTS_WITHOUT_SPACES = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Entry:
    term: str
    synonyms: tuple[str, ...]
    definition: str

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.term, *self.synonyms)


def entry_parse(text: str) -> Entry | None:
    """The entry a paragraph holds, or None when it is not one."""
    match = ENTRY.match(text.strip())
    if match is None:
        return None
    synonyms: tuple[str, ...] = ()
    if match.group("synonyms"):
        listed = LABEL.sub("", match.group("synonyms").strip(), count=1)
        synonyms = tuple(word for word in SEPARATORS.split(listed) if word)
    return Entry(
        term=match.group("term").strip(), synonyms=synonyms, definition=match.group("definition")
    )


def anchor(term: str) -> str:
    """The id of an entry: its source term in lower case, letters and digits joined by
    hyphens (``two-factor-authentication-2fa``)."""
    folded = unicodedata.normalize("NFKD", term).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "term"


def glossary_problems(page: SourcePage) -> list[SourceError]:
    """A glossary needs entries, and no two may share an anchor."""
    seen: dict[str, int] = {}
    problems = []
    for unit in body_units(page.units):
        entry = entry_parse(unit.text)
        if entry is None:
            continue
        name = anchor(entry.term)
        if name in seen:
            problems.append(
                SourceError(
                    f"the term {entry.term!r} has the same anchor #{name} as the one on line "
                    f"{seen[name]}",
                    path=page.path,
                    line=unit.line,
                )
            )
        seen.setdefault(name, unit.line)
    if not seen:
        problems.append(
            SourceError("a glossary needs entries: '**Term** — definition'", path=page.path)
        )
    return problems


@dataclass(frozen=True)
class Glossary:
    """A language's view of the glossary: each phrase (term or synonym) → anchor."""

    url: str
    phrases: dict[str, str] = field(default_factory=dict)

    def pattern(self) -> re.Pattern[str] | None:
        if not self.phrases:
            return None
        alternatives = []
        for phrase in sorted(self.phrases, key=len, reverse=True):
            escaped = re.escape(phrase)
            if SCRIPTS_WITHOUT_SPACES.search(phrase):
                alternatives.append(escaped)
            else:
                alternatives.append(rf"(?<!\w){escaped}(?!\w)")
        return re.compile("|".join(alternatives), re.IGNORECASE)


def _glossary_page() -> Page | None:
    return Page.objects.filter(kind=PageKind.GLOSSARY, published=True).order_by("pk").first()


def _glossary(page: Page, language: str) -> Glossary:
    url = page_url(page.slug, page.kind, page.details, language)
    if url is None:  # pragma: no cover - the content URLs are always installed
        return Glossary(url="")
    units = list(page.units.exclude(key__in=TRANSLATABLE_FIELDS))
    translated = page_translations(page, language)
    phrases: dict[str, str] = {}
    for unit in units:
        source = entry_parse(unit.text)
        if source is None:
            continue
        name = anchor(source.term)
        # A lesson's unit may be shown in the reader's language or, untranslated, in the
        # source's: both spellings of a term lead to its entry.
        found = [source]
        if unit.pk in translated:
            entry = entry_parse(translated[unit.pk].text)
            if entry is not None:
                found.insert(0, entry)
        for entry in found:
            for phrase in entry.phrases:
                phrases.setdefault(phrase.casefold(), name)
    return Glossary(url=url, phrases=phrases)


def glossary_for(language: str, generation: int) -> Glossary:
    """The glossary as read in ``language``, cached until the content changes."""
    page = _glossary_page()
    if page is None:
        return Glossary(url="")
    return page_rendering(
        "content:glossary", page, language, generation, Glossary, lambda: _glossary(page, language)
    )


class TermLinker:
    """Links the first occurrence of each glossary entry in a run of texts (one lesson)."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.pattern = glossary.pattern()
        self.linked: set[str] = set()

    def split(self, text: str) -> list[tuple[str, str | None]]:
        """``text`` cut into ``(part, url)`` pieces: a url for a term linked here, None for
        plain text. Later occurrences of an entry already linked stay plain."""
        if self.pattern is None:
            return [(text, None)]
        pieces: list[tuple[str, str | None]] = []
        position = 0
        for match in self.pattern.finditer(text):
            name = self.glossary.phrases.get(match.group(0).casefold())
            if name is None or name in self.linked:
                continue
            self.linked.add(name)
            if match.start() > position:
                pieces.append((text[position : match.start()], None))
            pieces.append((match.group(0), f"{self.glossary.url}#{name}"))
            position = match.end()
        if position < len(text):
            pieces.append((text[position:], None))
        return pieces or [(text, None)]
