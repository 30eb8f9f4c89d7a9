"""Find what a wiki user page reveals about the person who wrote it.

A user page may be anything up to MediaWiki's 2 MB limit, and it may be malformed. Parsing a
whole page with mwparserfromhell costs time and memory in proportion to its markup, and most of a
long page is prose that no template or link walk needs. So the page is read in two passes:

1. a *prefilter* finds the candidate regions cheaply with regular expressions: balanced
   ``{{…}}`` spans (each at most ``MAX_REGION`` characters; a longer one is replaced by the
   spans inside it), ``[[File:…]]`` links, ``<gallery>`` tags, URLs (by their ``//``), e-mail
   addresses (around each ``@``), phone numbers, and trigger words of first-person phrases
   ("live", "name is", "我叫"), the full phrase pattern being tried only next to its trigger;
2. only the template regions that hold something worth a look (a userbox or babel word, a
   coordinates template, a named parameter, an image file) are read: a flat template (no nested
   links, templates or tags) is split on ``|`` and ``=`` as MediaWiki does, and any other region
   is parsed with mwparserfromhell, one small region at a time. A region repeated on the page
   (the same userbox twice, a signature) is read once.

Every kind of finding is capped at ``MAX_PER_KIND``, so a page stuffed with userboxes still
yields a short report in bounded memory. An unclosed ``{{`` is read up to the end of its line as
though it were closed: a malformed page gives findings from what could be read, and nothing here
raises on any input.

Matching is done on a *folded* copy of the text with the same length (Persian and Arabic-Indic
digits become ASCII digits, Arabic yeh and kaf become their Persian forms, zero-width non-joiners
and no-break spaces become spaces), so positions and evidence come from the original text.

Heuristics, kept conservative on purpose (a report full of false alarms teaches people to
ignore it):

- a *photo* is an image link, a gallery line or a template parameter naming a raster image file
  (``.jpg``, ``.png``, …); SVG files are left out, as they are flags, logos and icons;
- a template is a *userbox* when its name contains a "user" word (user, userbox, کاربر, 用户, …);
  its name and parameter values are matched against the keyword lists of ``keywords``. A userbox
  named "User <Place>" that matches no keyword is a location when the place is in the small
  gazetteer (a city: high; a country: medium), or when it has no parameters and its name looks
  like a place name (one to three capitalised words or a short run of Persian, Arabic, Chinese or
  Cyrillic letters that is not a common userbox word): medium, as it may be something else;
- a *real name* is a first-person phrase ("my name is …", "me llamo …", "我叫…", "اسم من …"),
  a real-name template parameter, or, when the username splits into two or more words
  ("JohnSmith", "John_Smith"), those words written on the page outside links.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

import mwparserfromhell
from mwparserfromhell.wikicode import Wikicode

from rightsdesk.safety.footprint.findings import SEVERITY_ORDER, Finding, Severity, make_finding
from rightsdesk.safety.footprint.keywords import (
    BABEL_NAMES,
    CITIES,
    COORDINATE_NAMES,
    COORDINATES_HINT,
    COORDINATES_TEXT,
    COUNTRIES,
    EMAIL,
    EMAIL_AT_HINT,
    EMAIL_OBFUSCATED,
    GALLERY,
    GEOHACK_HOSTS,
    HIGH,
    INTEREST,
    LANGUAGE_BOX_REST,
    LANGUAGE_WORDS,
    LOCATION_PHRASE,
    LOW,
    MASTODON,
    MEDIUM,
    NAMESPACED_LINK,
    NEUTRAL_HOSTS,
    NOT_PLACES,
    PARAMETER_KINDS,
    PHONE,
    PHONE_NOT_AFTER,
    PLACE_LIKE,
    PROSE_PATTERNS,
    PROSE_TRIGGER_KINDS,
    PROSE_TRIGGERS,
    PROSE_WINDOW_AFTER,
    PROSE_WINDOW_BEFORE,
    RASTER_FILE,
    SOCIAL_HOSTS,
    TEMPLATE_NAMESPACE,
    TOPIC_PATTERNS,
    TOPIC_SEVERITY,
    TOPICS,
    URL,
    USER_PREFIX,
    USERBOX_LOCATION,
    USERISH,
    fold,
    lower,
)

# "File" and "Image" work on every wiki; the others are the usual local names of namespace 6.
DEFAULT_IMAGE_NAMESPACES: tuple[str, ...] = (
    *("File", "Image", "پرونده", "تصویر", "ملف", "صورة", "文件", "檔案", "档案", "图像", "圖像"),
    *("Файл", "Изображение", "Archivo", "Imagen", "Fichier"),
)

MAX_REGION = 8_000
MAX_PER_KIND = 25
MAX_UNCLOSED_LINE = 500


# -- the engine --------------------------------------------------------------------------------


@dataclass
class _Collector:
    """Findings in the order found, deduplicated and capped per kind."""

    source: str
    found: list[tuple[int, int, Finding]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)
    per_kind: dict[str, int] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    raw_seen: set[tuple[str, str]] = field(default_factory=set)
    # The kinds each template region gave, so that a repeated region is not analysed again.
    region_kinds: dict[str, set[str]] = field(default_factory=dict)
    current_kinds: set[str] | None = None

    def full(self, kind: str) -> bool:
        return self.per_kind.get(kind, 0) >= MAX_PER_KIND

    def covered(self, kind: str, position: int) -> bool:
        return any(start <= position < end for start, end in self.spans.get(kind, ()))

    def add(
        self,
        kind: str,
        severity: Severity,
        evidence: str,
        position: int,
        *,
        span: tuple[int, int] | None = None,
        key: str | None = None,
    ) -> None:
        if span is not None:
            self.spans.setdefault(kind, []).append(span)
            if self.current_kinds is not None:
                self.current_kinds.add(kind)
        if self.full(kind):
            return
        # The same evidence seen again (a repeated userbox or sentence) is dropped before the
        # cost of normalising it.
        raw = (kind, key or evidence)
        if raw in self.raw_seen:
            return
        self.raw_seen.add(raw)
        finding = make_finding(kind, severity, evidence, source=self.source)
        identity = (kind, (key or finding.evidence).casefold())
        if identity in self.seen:
            return
        self.seen.add(identity)
        self.per_kind[kind] = self.per_kind.get(kind, 0) + 1
        self.found.append((SEVERITY_ORDER[severity], position, finding))

    def sorted(self) -> list[Finding]:
        return [finding for _, _, finding in sorted(self.found, key=lambda item: item[:2])]


def analyse_wikitext(
    text: str,
    *,
    username: str = "",
    image_namespaces: Iterable[str] = DEFAULT_IMAGE_NAMESPACES,
    source: str = "",
) -> list[Finding]:
    """The findings on one page's wikitext, most severe first, then in page order."""
    collector = _Collector(source=source)
    folded = fold(text)
    lowered = lower(folded)
    _analyse_templates(text, lowered, collector)
    _analyse_images(text, folded, tuple(image_namespaces), collector)
    _analyse_contacts(text, folded, lowered, collector)
    _analyse_prose(text, folded, lowered, collector)
    if username:
        _analyse_username(text, folded, username, collector)
    return collector.sorted()


# -- templates ---------------------------------------------------------------------------------

_BRACES = re.compile(r"\{\{|\}\}")
_BRACKETS = re.compile(r"[\[\]{}]")
_MARKUP = re.compile(r"[\[{<']")
_NESTED = re.compile(r"[\[\]{}<]")


def template_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every ``{{…}}`` span, in page order, nested ones included.

    An unclosed ``{{`` gets a span up to the end of its line (at most ``MAX_UNCLOSED_LINE``
    characters), so that "{{User Tehran" still counts; ``_region`` closes it.
    """
    stack: list[int] = []
    spans: list[tuple[int, int]] = []
    for match in _BRACES.finditer(text):
        if match.group() == "{{":
            stack.append(match.start())
        elif stack:
            spans.append((stack.pop(), match.end()))
    spans.extend((start, _line_end(text, start)) for start in stack)
    spans.sort()
    return spans


def _line_end(text: str, start: int) -> int:
    line_end = text.find("\n", start)
    return min(len(text) if line_end < 0 else line_end, start + MAX_UNCLOSED_LINE)


def _region(text: str, start: int, end: int) -> str:
    """The span's wikitext, with as many ``}}`` added as it lacks."""
    body = text[start:end]
    missing = body.count("{{") - body.count("}}")
    return body + "}}" * missing if missing > 0 else body


class _Template(NamedTuple):
    """What the analysis needs of one template: its name, its parameters and its wikitext."""

    name: str
    params: list[tuple[str, str]]
    source: str


def _normalised_name(raw: str) -> str:
    name = TEMPLATE_NAMESPACE.sub("", fold(raw).strip())
    return " ".join(name.split())


def _from_parser(template: mwparserfromhell.nodes.Template) -> _Template:
    return _Template(
        name=_normalised_name(str(template.name.strip_code() or template.name)),
        params=[(str(parameter.name), str(parameter.value)) for parameter in template.params],
        source=str(template),
    )


def _flat_template(region: str) -> _Template | None:
    """A template without nested markup, split on "|" and "=" as MediaWiki does; None when the
    region holds anything more (links, nested templates, tags), which mwparserfromhell reads."""
    body = region[2:-2]
    if _NESTED.search(body):
        return None
    name, *parts = body.split("|")
    params = []
    position = 0
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals:
            position += 1
            key, value = str(position), part
        params.append((key, value))
    return _Template(name=_normalised_name(name), params=params, source=region)


def _parse(region: str) -> Wikicode | None:
    try:
        return mwparserfromhell.parse(region)
    # A region the parser cannot read yields nothing rather than an error.
    except Exception:
        return None


def _analyse_templates(text: str, lowered: str, collector: _Collector) -> None:
    """Parse the outermost spans no longer than ``MAX_REGION`` (a longer one is replaced by the
    spans nested in it). When the parser reads fewer templates in a region than it has ``{{``
    (malformed markup), the spans nested in it are read on their own, and each of its ``{{``
    also up to the end of its line, so what can be read is."""
    covered_until = 0
    lines_read: set[int] = set()
    for start, end in template_spans(text):
        if start < covered_until or end - start > MAX_REGION:
            continue
        region = _region(text, start, end)
        if not INTEREST.search(lowered, start, end):
            covered_until = end
            continue
        repeated = collector.region_kinds.get(region)
        if repeated is not None:
            # The same template again: what it reveals is known, only its place is new.
            for kind in repeated:
                collector.spans.setdefault(kind, []).append((start, end))
            covered_until = end
            continue
        collector.current_kinds = collector.region_kinds.setdefault(region, set())
        read = _analyse_region(region, start, collector)
        collector.current_kinds = None
        if read >= region.count("{{"):
            covered_until = end
            continue
        for inner in _BRACES.finditer(text, start, end):
            position = inner.start()
            if inner.group() == "{{" and position not in lines_read:
                lines_read.add(position)
                line = _region(text, position, _line_end(text, position))
                if INTEREST.search(lowered, position, position + len(line) - 2):
                    _analyse_region(line, position, collector)


def _analyse_region(region: str, offset: int, collector: _Collector) -> int:
    """Analyse the templates of one region; the number of templates read in it."""
    flat = _flat_template(region)
    if flat is not None:
        _analyse_template(flat, offset, len(region), collector)
        return 1
    code = _parse(region)
    if code is None:
        return 0
    templates = code.filter_templates(recursive=True)
    for template in templates:
        _analyse_template(_from_parser(template), offset, len(region), collector)
    return len(templates)


def _analyse_template(template: _Template, offset: int, length: int, collector: _Collector) -> None:
    name = template.name
    lowered = name.casefold()
    evidence = template.source
    span = (offset, offset + length)

    def add(kind: str, severity: Severity, what: str, key: str | None = None) -> None:
        collector.add(kind, severity, what, offset, span=span, key=key)

    # Babel boxes and language userboxes: {{Babel|fa|en-2}}, {{#babel:fa|en-2}}, {{User fa-4}}.
    if lowered in BABEL_NAMES or lowered.startswith("#babel:"):
        add("language_box", LOW, evidence)
        return
    if lowered in COORDINATE_NAMES:
        add("coordinates", HIGH, evidence)
        return
    prefix = USER_PREFIX.match(name)
    rest = name[prefix.end() :].strip() if prefix else ""
    is_language_code = LANGUAGE_BOX_REST.match(rest) and rest.casefold() not in NOT_PLACES
    if prefix and (is_language_code or LANGUAGE_WORDS.search(rest)):
        add("language_box", LOW, evidence)
        return

    values: list[str] = []
    for raw_key, raw_value in template.params:
        key = raw_key.strip()
        key_name = " ".join(fold(key).casefold().split())
        value = raw_value.strip()
        if not value:
            continue
        if RASTER_FILE.fullmatch(value) or (
            "[[" not in value and RASTER_FILE.fullmatch(value.split("|", 1)[0])
        ):
            add("photo", HIGH, f"{key}={value}", key=_file_key(value))
            continue
        for kind, severity, names in PARAMETER_KINDS:
            if key_name in names:
                add(kind, severity, f"{key}={value}")
                break
        else:
            # Brackets left by malformed links ("[[Shiraz") are dropped with the markup.
            if _MARKUP.search(value):
                value = mwparserfromhell.parse(value).strip_code()
            values.append(_BRACKETS.sub("", fold(value)))

    if not USERISH.search(name):
        return
    # A userbox: its name and its texts say what it is about.
    said = " ".join([rest or name, *values])
    for topic in sorted({match.lastgroup or "" for match in TOPICS.finditer(said)} - {""}):
        add(topic, TOPIC_SEVERITY.get(topic, MEDIUM), evidence)
    if LOCATION_PHRASE.search(said) or (prefix and USERBOX_LOCATION.search(rest)):
        add("location", _gazetteer(said) or HIGH, evidence)
        return
    if prefix:
        place = _gazetteer(rest) or (None if template.params else _looks_like_place(rest))
        if place is not None:
            add("location", place, evidence)


_TOKEN = re.compile(r"[^\W\d]+(?:['\u2019-][^\W\d]+)*")


def _gazetteer(text: str) -> Severity | None:
    """HIGH when the text names a city of the gazetteer, MEDIUM for a country, else None."""
    folded = text.casefold()
    tokens = _TOKEN.findall(folded)
    phrases = {" ".join(tokens[i : i + n]) for n in (1, 2, 3) for i in range(len(tokens))}
    for places, severity in ((CITIES, HIGH), (COUNTRIES, MEDIUM)):
        if phrases & places or any(place in folded for place in _CJK_PLACES[severity]):
            return severity
    return None


def _looks_like_place(rest: str) -> Severity | None:
    """MEDIUM when the rest of a "User <Place>" name looks like a place name (see the module
    docstring); it may be something else, hence never HIGH."""
    words = rest.strip(" /:-")
    lowered = words.casefold()
    if not PLACE_LIKE.match(words) or lowered in NOT_PLACES:
        return None
    if set(lowered.split(" ")) & NOT_PLACES:
        return None
    if any(pattern.search(lowered) for pattern in TOPIC_PATTERNS.values()):
        return None
    return MEDIUM


def _is_cjk(word: str) -> bool:
    return bool(word) and "\u4e00" <= word[0] <= "\u9fff"


# Chinese names are looked for inside the text, as Chinese does not separate words.
_CJK_PLACES = {
    HIGH: tuple(place for place in CITIES if _is_cjk(place)),
    MEDIUM: tuple(place for place in COUNTRIES if _is_cjk(place)),
}


# -- images ------------------------------------------------------------------------------------


def _file_key(value: str) -> str:
    """The file's name without namespace, for counting one photo once wherever it appears."""
    name = value.split("|", 1)[0].strip(" []")
    name = name.split(":", 1)[-1] if ":" in name else name
    return " ".join(fold(name).split()).casefold()


@functools.lru_cache(maxsize=64)
def _image_patterns(namespaces: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The image link and gallery line patterns for a wiki's names of the File namespace."""
    names = {"File", "Image", *namespaces}
    alternatives = "|".join(
        re.escape(fold(name)).replace(r"\ ", r"\s+")
        for name in sorted(names, key=len, reverse=True)
        if name
    )
    # [[File:Name.jpg|thumb|…]] (not [[:File:…]], which links to the file page).
    image_link = re.compile(
        r"\[\[\s*(?:" + alternatives + r")\s*:\s*([^|\]\[\n]{1,255})[^\]\n]{0,300}(?:\]\])?",
        re.IGNORECASE,
    )
    gallery_line = re.compile(r"^\s*(?:(?:" + alternatives + r")\s*:\s*)?([^|\n]+)", re.I | re.M)
    return image_link, gallery_line


def _analyse_images(
    text: str, folded: str, namespaces: tuple[str, ...], collector: _Collector
) -> None:
    image_link, gallery_line = _image_patterns(namespaces)
    for match in image_link.finditer(folded):
        if RASTER_FILE.fullmatch(match.group(1).strip()):
            collector.add(
                "photo",
                HIGH,
                text[match.start() : match.end()],
                match.start(),
                key=_file_key(match.group(1)),
            )
    for gallery in GALLERY.finditer(folded):
        for line in gallery_line.finditer(gallery.group(1)):
            name = line.group(1).strip()
            if RASTER_FILE.fullmatch(name):
                start = gallery.start(1) + line.start()
                collector.add(
                    "photo",
                    HIGH,
                    "<gallery> " + text[start : gallery.start(1) + line.end()].strip(),
                    start,
                    key=_file_key(name),
                )


# -- contact details and links -----------------------------------------------------------------


def _host_in(host: str, suffixes: frozenset[str]) -> bool:
    """Whether the host is one of the domains or under one of them."""
    labels = host.split(".")
    return any(".".join(labels[index:]) in suffixes for index in range(len(labels) - 1))


def _analyse_contacts(text: str, folded: str, lowered: str, collector: _Collector) -> None:
    _analyse_at_signs(text, folded, collector)
    if EMAIL_AT_HINT.search(lowered):
        for match in EMAIL_OBFUSCATED.finditer(folded):
            collector.add("email", HIGH, text[match.start() : match.end()], match.start())
    for match in PHONE.finditer(folded):
        before = folded[match.start() - 1] if match.start() else " "
        if before.isalnum() or before in PHONE_NOT_AFTER:
            continue
        digits = re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 15:
            collector.add(
                "phone", HIGH, text[match.start() : match.end()], match.start(), key=digits
            )
    if COORDINATES_HINT.search(folded):
        for match in COORDINATES_TEXT.finditer(folded):
            collector.add("coordinates", HIGH, match.group(), match.start())
    _analyse_links(text, collector)


def _analyse_at_signs(text: str, folded: str, collector: _Collector) -> None:
    """E-mail addresses and fediverse handles, looked for around each "@" only."""
    done = 0
    at = folded.find("@")
    while at >= 0 and not (collector.full("email") and collector.full("social_media")):
        local = _LOCAL_PART.search(folded, max(done, at - 64), at)
        start = local.start() if local else at
        handle = MASTODON.match(folded, start - 1) if start else None
        if handle is not None:
            collector.add("social_media", MEDIUM, handle.group(), handle.start())
            done = handle.end()
        elif local is not None and (address := EMAIL.match(folded, start, at + 256)):
            collector.add("email", HIGH, text[address.start() : address.end()], start)
            done = address.end()
        at = folded.find("@", at + 1)


def _analyse_links(text: str, collector: _Collector) -> None:
    for match in URL.finditer(text):
        start = match.start()
        for scheme in ("https:", "http:"):
            if text[max(0, start - len(scheme)) : start].lower() == scheme:
                start -= len(scheme)
                break
        else:
            if start and (text[start - 1].isalnum() or text[start - 1] == ":"):
                continue  # "//" inside a word or after another scheme is not a web link
        url = text[start : match.end()].rstrip(".,;:!?)'")
        try:
            parts = urlsplit(url if not url.startswith("//") else "https:" + url)
            host = (parts.hostname or "").removeprefix("www.")
        except ValueError:
            continue
        if not host:
            continue
        if _host_in(host, GEOHACK_HOSTS) and "geohack" in url.casefold():
            collector.add("coordinates", HIGH, url, start)
        elif _host_in(host, SOCIAL_HOSTS):
            collector.add("social_media", MEDIUM, url, start)
        elif not _host_in(host, NEUTRAL_HOSTS):
            collector.add("personal_site", LOW, url, start, key=host)


# -- prose -------------------------------------------------------------------------------------


_PROSE = {kind: (severity, pattern) for kind, severity, pattern in PROSE_PATTERNS}


def _analyse_prose(text: str, folded: str, lowered: str, collector: _Collector) -> None:
    """First-person phrases. A cheap pass finds trigger words in the lower-cased text; each
    kind's full pattern is then tried only in a window around its trigger."""
    searched_until = dict.fromkeys(_PROSE, 0)
    for trigger in PROSE_TRIGGERS.finditer(lowered):
        start = trigger.start()
        if start and lowered[start - 1].isalpha() and trigger.group()[0] < "\u0590":
            continue  # "page" holds "age": a Latin or Cyrillic trigger must start a word
        for kind in PROSE_TRIGGER_KINDS[trigger.group()]:
            low = max(start - PROSE_WINDOW_BEFORE, searched_until[kind])
            if low > start or collector.full(kind):
                continue
            severity, pattern = _PROSE[kind]
            match = _phrase_near(pattern, folded, low, start, start + PROSE_WINDOW_AFTER)
            if match is None:
                continue
            searched_until[kind] = match.end()
            if not collector.covered(kind, match.start()):  # else reported with its userbox
                collector.add(kind, severity, text[match.start() : match.end()], match.start())


_LOCAL_PART = re.compile(r"[\w.+-]{1,64}$")
_WORD_START = re.compile(r"(?<!\w)\w|(?<!\d)\d")


def _phrase_near(
    pattern: re.Pattern[str], folded: str, low: int, start: int, high: int
) -> re.Match[str] | None:
    """The phrase starting at a word start between ``low`` and the trigger at ``start``, or at
    the trigger itself. Anchored matches at these few places cost far less than a search."""
    for candidate in _WORD_START.finditer(folded, low, start):
        match = pattern.match(folded, candidate.start(), high)
        if match is not None:
            return match
    return pattern.match(folded, start, high)


_CAMEL = re.compile(r"[A-ZÀ-ÝА-Я]?[a-zà-ÿа-яё]+|[A-ZÀ-ÝА-Я]+(?![a-zà-ÿа-яё])")


def username_words(username: str) -> list[str]:
    """ "JohnSmith1990", "John_Smith", "john.smith" → ["John", "Smith"]; letters-only words of
    two letters or more."""
    return [word for word in _CAMEL.findall(username) if len(word) >= 2]


def _analyse_username(text: str, folded: str, username: str, collector: _Collector) -> None:
    """The username's words written on the page as a name, outside links and signatures."""
    words = username_words(username)
    if len(words) < 2:
        return
    # Links to namespaced pages ([[User:John Smith|…]], signatures) are blanked, keeping offsets.
    plain = NAMESPACED_LINK.sub(lambda link: " " * len(link.group()), folded)
    pattern = re.compile(
        r"(?<![\w:/])" + r"[\s.-]*".join(re.escape(word) for word in words) + r"(?![\w])",
        re.IGNORECASE,
    )
    for match in pattern.finditer(plain):
        if " " not in match.group().strip() and match.group() == username:
            continue  # the username itself, written as one word, says nothing new
        if collector.covered("real_name", match.start()):
            continue  # a real-name parameter of a template, already reported
        context = text[max(0, match.start() - 60) : match.end() + 60]
        collector.add(
            "real_name",
            HIGH,
            f"{username}: …{context.strip()}…",
            match.start(),
            key=f"username:{match.group().casefold()}",
        )
        return
