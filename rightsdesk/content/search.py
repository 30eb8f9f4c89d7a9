"""Full-text search over public content, per language.

Every published page has one :class:`SearchDocument` per language it can be read in: its title and
body as a reader of that language sees them (translated units where a translation exists, current
or outdated, the source text elsewhere), in plain text. ``terms`` holds the same text after
:func:`normalise`, and the database indexes ``terms``: an FTS5 table on SQLite, a GIN index on
``to_tsvector('simple', terms)`` on PostgreSQL (migration 0002). Both backends then only have to
split on spaces and compare whole words, so they find the same pages for the same query.

Normalising before the database sees the text is what makes search work in every shipped language
without a stemmer or a segmenter: diacritics, Arabic harakat and tatweel go, the Arabic and
Persian forms of yeh and kaf (and of digits) become one, and Chinese, Japanese and Korean text is
cut into single characters, so that a query for a two-character word finds it as a phrase of two
characters inside a longer run.
"""

from __future__ import annotations

import re
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection, transaction

# markup rather than rendering (which re-exports plain_text): rendering imports the services,
# and the services import this module.
from rightsdesk.content.kinds import page_url
from rightsdesk.content.markup import plain_line, plain_text
from rightsdesk.content.models import Page, SearchDocument, Translation

# Longer queries find nothing: this bounds the work one request can cause.
MAX_QUERY_LENGTH = 200
# Name of the FTS5 table that migration 0002 creates on SQLite over SearchDocument.terms.
SQLITE_FTS_TABLE = "content_search_fts"

# Units that hold one line of plain text rather than Markdown.
PLAIN_UNITS = frozenset({"title", "summary", "region"})

SNIPPET_LENGTH = 220
SNIPPET_LEAD = 70
ELLIPSIS = "…"


@dataclass(frozen=True)
class SnippetPart:
    text: str
    match: bool = False


@dataclass(frozen=True)
class SearchHit:
    slug: str
    title: str
    # The body around the first match, cut into parts; templates wrap matching parts in <mark>.
    snippet: tuple[SnippetPart, ...]
    # Higher is better (bm25 on SQLite, ts_rank on PostgreSQL: comparable within one result list).
    rank: float
    # Where the page is read in the searched language (a lesson or a workflow has its own place).
    url: str | None = None


# --- Normalisation ------------------------------------------------------------------------------

# Arabic and Persian spellings of the same letter, applied after combining marks are gone (hamza
# above and below decompose into combining marks, so the alef forms with hamza or madda are
# already plain alef, and heh with yeh above is already ae).
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh → Farsi yeh
        "\u0649": "\u06cc",  # alef maksura → Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf → keheh
        "\u0629": "\u0647",  # teh marbuta → heh
        "\u06d5": "\u0647",  # ae (heh with yeh above, decomposed) → heh
        "\u06c1": "\u0647",  # heh goal → heh
        "\u0671": "\u0627",  # alef wasla → alef
        "\u0640": "",  # tatweel: stretches a word, means nothing
    }
)
# Combining marks that are letters' voicing in Japanese kana rather than decoration: kept.
_KANA_VOICING = frozenset("\u3099\u309a")


def _is_cjk(char: str) -> bool:
    """Han ideographs, kana and hangul: scripts written without spaces between words."""
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x20000 <= code <= 0x3134F  # CJK extensions B to G
        or 0x3005 <= code <= 0x3007  # ideographic iteration mark, closing mark, number zero
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x31F0 <= code <= 0x31FF  # katakana extensions
        or 0x3100 <= code <= 0x312F  # bopomofo
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0x1100 <= code <= 0x11FF  # hangul jamo
        or 0x3130 <= code <= 0x318F  # hangul compatibility jamo
    )


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _fold(text: str) -> str:
    """Case, compatibility forms, diacritics, letter variants and digits folded; word boundaries
    are left as they are (punctuation stays, for :func:`normalise` to turn into spaces)."""
    if text.isascii():
        return text.lower()  # the same result, without the Unicode work
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for char in unicodedata.normalize("NFD", text):
        category = unicodedata.category(char)
        if category == "Mn" and char not in _KANA_VOICING:
            continue  # accents, Arabic harakat, hamza above/below, Hebrew points…
        if category == "Cf":
            continue  # ZWNJ and ZWJ (Persian half-spaces), bidi marks, soft hyphens
        if category == "Nd":
            char = str(unicodedata.digit(char))  # Arabic-Indic, Persian and other digits
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).translate(_LETTERS)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    return _fold(char)


def normalise(text: str) -> str:
    """The form in which documents are indexed and queries searched: words separated by single
    spaces, each CJK character a word of its own. The one normalisation both sides share."""
    out: list[str] = []
    for char in _fold(text):
        if _is_cjk(char):
            out.append(f" {char} ")
        elif _is_word_char(char):
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).split())


def query_phrases(query: str) -> list[list[str]]:
    """What a query asks for: one phrase per word the user typed, every one of which must match.
    A typed word normalises to several words when it is a CJK run (``人权``) or holds punctuation
    (``l'homme``); those must then stand next to each other, in that order."""
    phrases = [normalise(word).split() for word in query.split()]
    return [phrase for phrase in phrases if phrase]


def _token_spans(text: str) -> Iterator[tuple[str, int, int]]:
    """The words of ``normalise(text)`` with the offsets in ``text`` they came from, lazily."""
    word: list[str] = []
    start = end = 0
    for index, char in enumerate(text):
        folded = _fold_char(char)
        if not folded:
            # A combining mark, tatweel or ZWNJ: part of the word it sits in.
            if word:
                end = index + 1
            continue
        for piece in folded:
            if _is_word_char(piece) and not _is_cjk(piece):
                if not word:
                    start = index
                word.append(piece)
                end = index + 1
                continue
            if word:
                yield "".join(word), start, end
                word.clear()
            if _is_cjk(piece):
                yield piece, index, index + 1
    if word:
        yield "".join(word), start, end


# --- Snippets ----------------------------------------------------------------------------------


def _matches(body: str, phrases: list[list[str]]) -> list[range]:
    """Where the phrases occur in ``body``, up to the end of the snippet the first one gives:
    long pages are not read further than the part that will be shown."""
    longest = max(len(phrase) for phrase in phrases)
    recent: deque[tuple[str, int, int]] = deque(maxlen=longest)
    found: list[range] = []
    for span in _token_spans(body):
        if found and span[1] > max(found[0].start + SNIPPET_LENGTH, found[0].stop):
            break
        recent.append(span)
        words = [word for word, _start, _end in recent]
        for phrase in phrases:
            if words[len(words) - len(phrase) :] == phrase:
                found.append(range(recent[len(recent) - len(phrase)][1], span[2]))
                break
    return found


def make_snippet(body: str, phrases: list[list[str]]) -> tuple[SnippetPart, ...]:
    """A short piece of ``body`` around its first match, every match in it marked. Plain text:
    the template escapes each part and adds the ``<mark>`` itself."""
    matches = _matches(body, phrases) if phrases else []
    first = matches[0] if matches else range(0)
    start = max(0, first.start - SNIPPET_LEAD)
    if start:
        space = body.find(" ", start, first.start)
        start = space + 1 if space != -1 else start
    end = min(len(body), max(start + SNIPPET_LENGTH, first.stop))
    if end < len(body):
        space = body.rfind(" ", first.stop, end)
        end = space if space != -1 else end
    parts: list[SnippetPart] = []
    if start:
        parts.append(SnippetPart(ELLIPSIS))
    position = start
    for match in matches:
        if match.start < position or match.stop > end:
            continue
        parts.append(SnippetPart(body[position : match.start]))
        parts.append(SnippetPart(body[match.start : match.stop], match=True))
        position = match.stop
    parts.append(SnippetPart(body[position:end]))
    if end < len(body):
        parts.append(SnippetPart(ELLIPSIS))
    return tuple(
        SnippetPart(re.sub(r"\s+", " ", part.text), part.match) for part in parts if part.text
    )


# --- Indexing ----------------------------------------------------------------------------------


def _languages(page: Page) -> list[str]:
    return list(dict.fromkeys([page.source_language, *(code for code, _ in settings.LANGUAGES)]))


def index_page(page: Page) -> None:
    """(Re)build the page's search documents in every language; an unpublished page has none.

    Called by the content services inside their transactions, for one page at a time: three reads
    and at most one write per language whose text changed.
    """
    if not page.published:
        SearchDocument.objects.filter(page=page).delete()
        return
    units = list(page.units.order_by("position").values_list("id", "key", "text"))
    translated = {
        (unit_id, language): text
        for unit_id, language, text in Translation.objects.filter(unit__page=page).values_list(
            "unit_id", "language", "text"
        )
    }
    plain: dict[str, str] = {}

    def read(key: str, text: str) -> str:
        # Front-matter units are one line of plain text; the others are Markdown.
        if key in PLAIN_UNITS:
            return " ".join(plain_line(text).split())
        if text not in plain:
            plain[text] = plain_text(text)
        return plain[text]

    existing = {doc.language: doc for doc in SearchDocument.objects.filter(page=page)}
    with transaction.atomic():
        for language in _languages(page):
            title = ""
            body: list[str] = []
            for unit_id, key, source in units:
                text = translated.get((unit_id, language), source)
                if key == "title":
                    title = read(key, text)
                elif block := read(key, text):
                    body.append(block)
            fields = {
                "title": title,
                "body": "\n\n".join(body),
                "terms": normalise(f"{title}\n{' '.join(body)}"),
            }
            doc = existing.pop(language, None)
            if doc is None:
                SearchDocument.objects.create(page=page, language=language, **fields)
            elif any(getattr(doc, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(doc, name, value)
                doc.save(update_fields=list(fields))
        if existing:
            SearchDocument.objects.filter(pk__in=[doc.pk for doc in existing.values()]).delete()


def reindex_all() -> int:
    """Rebuild the search documents of every page; returns the number of pages indexed."""
    count = 0
    for page in Page.objects.all():
        index_page(page)
        count += 1
    return count


# --- Searching ---------------------------------------------------------------------------------

Row = tuple[str, str, str, float]


def _search_sqlite(phrases: list[list[str]], language: str, limit: int) -> list[Row]:
    # Every phrase is quoted, and holds only letters and digits: nothing the user typed can be
    # read as FTS5 syntax (AND, OR, NOT, NEAR, *, ^, column filters, parentheses).
    match = " ".join('"' + " ".join(phrase) + '"' for phrase in phrases)
    sql = f"""
        SELECT page.slug, doc.title, doc.body, -bm25({SQLITE_FTS_TABLE}) AS score
        FROM {SQLITE_FTS_TABLE}
        JOIN content_searchdocument AS doc ON doc.id = {SQLITE_FTS_TABLE}.rowid
        JOIN content_page AS page ON page.id = doc.page_id
        WHERE {SQLITE_FTS_TABLE} MATCH %s AND doc.language = %s AND page.published
        ORDER BY score DESC, page.slug
        LIMIT %s
    """  # noqa: S608 - only constants are formatted in; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, language, limit])
        return [(slug, title, body, float(score)) for slug, title, body, score in cursor]


def _search_postgresql(phrases: list[list[str]], language: str, limit: int) -> list[Row]:
    # phraseto_tsquery reads its argument as plain text, never as tsquery syntax.
    query = " && ".join(["phraseto_tsquery('simple', %s)"] * len(phrases))
    words = [" ".join(phrase) for phrase in phrases]
    sql = f"""
        SELECT page.slug, doc.title, doc.body,
               ts_rank(to_tsvector('simple', doc.terms), {query}) AS score
        FROM content_searchdocument AS doc
        JOIN content_page AS page ON page.id = doc.page_id
        WHERE doc.language = %s AND page.published
          AND to_tsvector('simple', doc.terms) @@ ({query})
        ORDER BY score DESC, page.slug
        LIMIT %s
    """  # noqa: S608 - only placeholders are formatted in; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*words, language, *words, limit])
        return [(slug, title, body, float(score)) for slug, title, body, score in cursor]


def search_pages(query: str, language: str, limit: int = 20) -> list[SearchHit]:
    """Published pages in ``language`` that contain every word of ``query``, best first.

    An empty query, one longer than :data:`MAX_QUERY_LENGTH` or one without a single letter or
    digit finds nothing. No query can raise: nothing the user typed reaches the database as syntax.
    """
    if len(query) > MAX_QUERY_LENGTH or limit < 1:
        return []
    phrases = query_phrases(query)
    if not phrases:
        return []
    if connection.vendor == "sqlite":
        rows = _search_sqlite(phrases, language, limit)
    elif connection.vendor == "postgresql":
        rows = _search_postgresql(phrases, language, limit)
    else:
        raise NotImplementedError(f"content search does not support {connection.vendor}")
    places = {
        page.slug: page_url(page.slug, page.kind, page.details, language)
        for page in Page.objects.filter(slug__in=[row[0] for row in rows]).only(
            "slug", "kind", "details"
        )
    }
    return [
        SearchHit(
            slug=slug,
            title=title,
            snippet=make_snippet(body, phrases),
            rank=score,
            url=places.get(slug),
        )
        for slug, title, body, score in rows
    ]
