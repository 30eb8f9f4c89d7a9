"""Reading a page's source: Markdown with YAML front matter, split into translation units.

A source file looks like this::

    ---
    title: Who we are
    summary: A human-rights team for the volunteers of an open-knowledge community.
    menu: 1
    ---

    <!--T:1-->
    ## Whom we support

    <!--T:2-->
    Anyone who is harassed, threatened or persecuted for good-faith contributions…

Each top-level Markdown block (a heading, a paragraph, a list, a quote, a table) is one unit. The
``<!--T:n-->`` marker on the line before a block is its stable id, as in MediaWiki's Translate
extension: it survives edits to other blocks, and translations hang on it. A block without a
marker is given the next free number; :func:`with_markers` writes those numbers back into the
text so that the next reading gives the same ids. The front-matter fields ``title``, ``summary``
and ``region`` are units too, with those names as their keys.

Nothing here touches Django or the database: the parser is shared by ``content sync``, the
editor in the staff pages and the tests.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeGuard

import yaml
from markdown_it import MarkdownIt

MARKER = re.compile(r"^\s*<!--\s*T:([A-Za-z0-9_-]{1,24})\s*-->\s*$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Front-matter fields that are text for readers, hence translation units, in page order.
TRANSLATABLE_FIELDS = ("title", "summary", "region")
KINDS = ("page", "crisis", "glossary", "topic", "lesson", "workflow")
# Front-matter fields that place a page of one of the safety centre's kinds: the topic a lesson
# belongs to, its level, and the order of topics and workflows. Kept in ``Page.details``.
DETAIL_FIELDS = ("topic", "level", "position")
LEVELS = ("beginner", "intermediate", "advanced")
PLACING_FIELDS = {
    "lesson": ("topic", "level", "position"),
    "topic": ("position",),
    "workflow": ("position",),
}
KNOWN_FIELDS = frozenset(
    {*TRANSLATABLE_FIELDS, *DETAIL_FIELDS, "slug", "kind", "published", "banner", "menu"}
)

_blocks = MarkdownIt("commonmark", {"html": True}).enable("table")


class SourceError(Exception):
    """A source file cannot be read. ``line`` is 1-based, counted from the top of the file."""

    def __init__(self, message: str, *, path: str = "", line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class SourceUnit:
    key: str
    text: str
    # Where the block starts in the file (1-based); 0 for units that came from no file.
    line: int = 0
    # True when the key was given here rather than written in the file as a marker.
    new_key: bool = False


@dataclass(frozen=True)
class SourcePage:
    slug: str
    kind: str
    language: str
    published: bool
    banner: bool
    menu: int | None
    units: tuple[SourceUnit, ...]
    path: str = ""
    file_hash: str = ""
    # ``topic``, ``level`` and ``position`` as given; None when the source cannot say (an edit
    # on the site, whose form has no such fields), which keeps what the page has.
    details: dict[str, Any] | None = field(default_factory=dict)

    def unit(self, key: str) -> SourceUnit | None:
        return next((unit for unit in self.units if unit.key == key), None)

    @property
    def title(self) -> str:
        unit = self.unit("title")
        return unit.text if unit else ""


def text_hash(text: str) -> str:
    """The version of a unit's text: trailing spaces and surrounding blank lines do not count."""
    normalised = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def file_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split where Markdown splits them: at ``\\n``,
    ``\\r\\n`` and ``\\r`` only (``str.splitlines`` also splits at U+2028 and other characters
    that may well occur inside a paragraph, which would put line numbers out of step)."""
    return _LINE.findall(text)


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...


def is_whole_number(value: object) -> TypeGuard[int]:
    """Whether a front-matter value is 0, 1, 2… (YAML reads ``true`` as a bool, which Python
    counts as an int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_field(key: str) -> bool:
    """Whether a unit holds a front-matter field, which has its own place on the page, rather
    than a block of the body."""
    return key in TRANSLATABLE_FIELDS


def body_units[U: _Keyed](units: Iterable[U]) -> list[U]:
    """A page's body in order: every unit but the front-matter fields."""
    return [unit for unit in units if not is_field(unit.key)]


def split_front_matter(raw: str, *, path: str = "") -> tuple[dict[str, Any], str, int]:
    """The front matter as a mapping, the body, and the line number (1-based) the body starts on."""
    text = raw.removeprefix("\ufeff")
    lines = _lines(text)
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            "the file must start with front matter between two '---' lines", path=path
        )
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            break
    else:
        raise SourceError("the front matter is not closed by a '---' line", path=path)
    try:
        meta = yaml.safe_load("".join(lines[1:index])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise SourceError(f"front matter: {problem}", path=path, line=line) from None
    if not isinstance(meta, dict):
        raise SourceError(
            "the front matter must be a list of 'name: value' lines", path=path, line=2
        )
    return meta, "".join(lines[index + 1 :]), index + 2


def _field_line(raw: str, name: str) -> int:
    for number, line in enumerate(_lines(raw), start=1):
        if re.match(rf"^{re.escape(name)}\s*:", line):
            return number
    return 1


def parse_body(body: str, *, first_line: int = 1, path: str = "") -> list[SourceUnit]:
    """The body's units, in order. Markers name the block that follows them; blocks without a
    marker get no key yet (an empty string) and are numbered by :func:`assign_keys`."""
    lines = [line.rstrip("\r\n") for line in _lines(body)]
    units: list[SourceUnit] = []
    pending: tuple[str, int] | None = None
    seen: dict[str, int] = {}
    for token in _blocks.parse(body):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        chunk = "\n".join(lines[start:end]).strip("\n")
        line = first_line + start
        marker = MARKER.match(chunk) if token.type == "html_block" else None
        if marker is not None:
            pending = _remember(marker.group(1), line, pending, seen, path)
            continue
        key = pending[0] if pending else ""
        units.append(SourceUnit(key=key, text=chunk, line=line))
        pending = None
    if pending is not None:
        raise SourceError(
            f"marker T:{pending[0]} is not followed by any text", path=path, line=pending[1]
        )
    return units


def _remember(
    key: str, line: int, pending: tuple[str, int] | None, seen: dict[str, int], path: str
) -> tuple[str, int]:
    if pending is not None:
        raise SourceError(
            f"marker T:{pending[0]} is followed by another marker instead of text",
            path=path,
            line=pending[1],
        )
    if key in TRANSLATABLE_FIELDS:
        raise SourceError(
            f"T:{key} is reserved for the front-matter field {key!r}", path=path, line=line
        )
    if key in seen:
        raise SourceError(
            f"marker T:{key} is used twice (first on line {seen[key]})", path=path, line=line
        )
    seen[key] = line
    return key, line


def assign_keys(units: list[SourceUnit], taken: set[str] | None = None) -> list[SourceUnit]:
    """Give every unit without a key the next free number after the highest one in use.

    ``taken`` holds keys used before (say, by units an editor has just removed), so that a new
    block never inherits a removed block's translations.
    """
    used = {unit.key for unit in units if unit.key} | (taken or set())
    highest = max((int(key) for key in used if key.isdigit()), default=0)
    assigned = []
    for unit in units:
        if unit.key:
            assigned.append(unit)
            continue
        highest += 1
        assigned.append(SourceUnit(key=str(highest), text=unit.text, line=unit.line, new_key=True))
    return assigned


def parse_source(raw: str, *, path: str = "", slug: str = "", language: str = "en") -> SourcePage:
    """Read one source file. Raises :class:`SourceError` naming the line of the first problem."""
    meta, body, body_line = split_front_matter(raw, path=path)
    unknown = sorted(set(meta) - KNOWN_FIELDS)
    if unknown:
        raise SourceError(
            f"unknown front-matter field {unknown[0]!r} (known: {', '.join(sorted(KNOWN_FIELDS))})",
            path=path,
            line=_field_line(raw, unknown[0]),
        )
    slug = str(meta.get("slug") or slug)
    if not SLUG.match(slug):
        raise SourceError(
            f"the slug {slug!r} must be lower-case letters, digits and single hyphens",
            path=path,
            line=_field_line(raw, "slug"),
        )
    kind = str(meta.get("kind", "page"))
    if kind not in KINDS:
        raise SourceError(
            f"kind must be one of {', '.join(KINDS)} (got {kind!r})",
            path=path,
            line=_field_line(raw, "kind"),
        )
    field_units = []
    for name in TRANSLATABLE_FIELDS:
        value = meta.get(name)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            raise SourceError(
                f"{name} must be a line of text", path=path, line=_field_line(raw, name)
            )
        field_units.append(SourceUnit(key=name, text=value.strip(), line=_field_line(raw, name)))
    if not any(unit.key == "title" for unit in field_units):
        raise SourceError("the front matter has no title", path=path, line=1)
    flags = {}
    for name, default in (("published", True), ("banner", False)):
        value = meta.get(name, default)
        if not isinstance(value, bool):
            raise SourceError(
                f"{name} must be true or false", path=path, line=_field_line(raw, name)
            )
        flags[name] = value
    menu = meta.get("menu")
    if menu is not None and not is_whole_number(menu):
        raise SourceError("menu must be a whole number", path=path, line=_field_line(raw, "menu"))
    details = _details(meta, kind, raw, path)
    blocks = assign_keys(parse_body(body, first_line=body_line, path=path))
    return SourcePage(
        slug=slug,
        kind=kind,
        language=language,
        published=flags["published"],
        banner=flags["banner"],
        menu=menu,
        units=(*field_units, *blocks),
        path=path,
        file_hash=file_hash(raw),
        details=details,
    )


def _details(meta: dict[str, Any], kind: str, raw: str, path: str) -> dict[str, Any]:
    """The placing fields of a lesson (``topic``, ``level``), a topic or a workflow
    (``position``); refused on kinds they mean nothing to, so that a typo cannot pass."""
    details: dict[str, Any] = {}
    wanted = PLACING_FIELDS.get(kind, ())
    for name in DETAIL_FIELDS:
        if name not in meta:
            continue
        line = _field_line(raw, name)
        if name not in wanted:
            raise SourceError(
                f"{name} means nothing on a page of kind {kind!r}", path=path, line=line
            )
        value = meta[name]
        if name == "position":
            if not is_whole_number(value):
                raise SourceError("position must be a whole number", path=path, line=line)
        elif name == "level":
            if value not in LEVELS:
                raise SourceError(
                    f"level must be one of {', '.join(LEVELS)} (got {value!r})",
                    path=path,
                    line=line,
                )
        elif not isinstance(value, str) or not SLUG.match(value):
            raise SourceError(f"{name} must be the slug of a page", path=path, line=line)
        details[name] = value
    if kind == "lesson":
        for name in ("topic", "level"):
            if name not in details:
                raise SourceError(f"a lesson needs a {name} in its front matter", path=path, line=1)
    return details


def with_markers(raw: str, page: SourcePage) -> str:
    """``raw`` with a marker line written before every block that was given a new key.

    Only marker lines are added; everything the author wrote stays as it was.
    """
    new = {unit.line: unit.key for unit in page.units if unit.new_key and unit.line}
    if not new:
        return raw
    out = []
    for number, line in enumerate(_lines(raw), start=1):
        if number in new:
            # The file's own line ending, so a Windows-edited file does not get mixed ones.
            ending = "\r\n" if line.endswith("\r\n") else "\n"
            out.append(f"<!--T:{new[number]}-->{ending}")
        out.append(line)
    return "".join(out)


def body_source(units: list[tuple[str, str]]) -> str:
    """The body of a page as an editor sees it: each unit's text after its marker."""
    return "\n\n".join(f"<!--T:{key}-->\n{text}" for key, text in units) + "\n"
