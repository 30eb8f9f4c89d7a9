from __future__ import annotations

import pytest

from rightsdesk.content.source import (
    SourceError,
    SourceUnit,
    assign_keys,
    body_source,
    file_hash,
    parse_body,
    parse_source,
    text_hash,
    with_markers,
)
from tests.content.pages import page_source

MARKED = """\
---
title: Who we are
summary: A human-rights team.
region: Everywhere
menu: 2
---

<!--T:1-->
## Whom we support

<!--T:2-->
Anyone who is harassed
for good-faith contributions.

<!--T:7-->
- one
- two
"""


def keys(raw: str) -> list[tuple[str, str]]:
    return [(unit.key, unit.text) for unit in parse_source(raw, slug="about").units]


def test_front_matter_fields_come_first_then_blocks_by_marker() -> None:
    page = parse_source(MARKED, path="en/about.md", slug="about", language="en")
    assert keys(MARKED) == [
        ("title", "Who we are"),
        ("summary", "A human-rights team."),
        ("region", "Everywhere"),
        ("1", "## Whom we support"),
        ("2", "Anyone who is harassed\nfor good-faith contributions."),
        ("7", "- one\n- two"),
    ]
    assert page.title == "Who we are"
    assert page.menu == 2
    assert (page.kind, page.published, page.banner) == ("page", True, False)
    assert page.path == "en/about.md"
    assert page.file_hash == file_hash(MARKED)
    assert not any(unit.new_key for unit in page.units)
    # Line numbers point at the block, not at its marker.
    assert [unit.line for unit in page.units] == [2, 3, 4, 9, 12, 16]


def test_front_matter_slug_kind_and_flags() -> None:
    raw = page_source("Text.", slug="floods-2026", kind="crisis", banner=True, published=False)
    page = parse_source(raw, slug="file-name")
    assert (page.slug, page.kind, page.banner, page.published) == (
        "floods-2026",
        "crisis",
        True,
        False,
    )


def test_new_blocks_get_the_next_free_numbers() -> None:
    raw = MARKED + "\nA new paragraph.\n\n<!--T:3-->\nMarked.\n\n## Another\n"
    page = parse_source(raw, slug="about")
    body = [(unit.key, unit.new_key) for unit in page.units[3:]]
    assert body == [
        ("1", False),
        ("2", False),
        ("7", False),
        ("8", True),
        ("3", False),
        ("9", True),
    ]


def test_assign_keys_skips_keys_taken_before() -> None:
    units = [SourceUnit(key="1", text="a"), SourceUnit(key="", text="b")]
    assert [unit.key for unit in assign_keys(units)] == ["1", "2"]
    assert [unit.key for unit in assign_keys(units, {"5", "title"})] == ["1", "6"]


def test_with_markers_adds_only_marker_lines() -> None:
    raw = page_source(
        """
        First paragraph,
        two lines.

        <!--T:4-->
        ## Marked heading

        - a list
        - of two
        > and a quote
        """
    )
    page = parse_source(raw, slug="about")
    written = with_markers(raw, page)
    added = [line for line in written.splitlines() if line not in raw.splitlines()]
    assert added == ["<!--T:5-->", "<!--T:6-->", "<!--T:7-->"]
    assert [line for line in written.splitlines() if line not in added] == raw.splitlines()
    again = parse_source(written, slug="about")
    assert [(unit.key, unit.text) for unit in again.units] == [
        (unit.key, unit.text) for unit in page.units
    ]
    assert not any(unit.new_key for unit in again.units)
    assert with_markers(written, again) == written


def test_with_markers_keeps_windows_line_endings() -> None:
    raw = "---\r\ntitle: T\r\n---\r\n\r\nOne.\r\n\r\nTwo.\r\n"
    page = parse_source(raw, slug="about")
    written = with_markers(raw, page)
    assert (
        written == "---\r\ntitle: T\r\n---\r\n\r\n<!--T:1-->\r\nOne.\r\n\r\n<!--T:2-->\r\nTwo.\r\n"
    )
    assert [unit.key for unit in parse_source(written, slug="about").units] == ["title", "1", "2"]


def test_line_separator_characters_inside_a_paragraph_are_text() -> None:
    # U+2028 and form feeds are not line breaks in Markdown; they must not shift the line count.
    raw = page_source("One\u2028still one.\x0c\n\nTwo.")
    page = parse_source(raw, slug="about")
    assert [(unit.key, unit.text) for unit in page.units[1:]] == [
        ("1", "One\u2028still one.\x0c"),
        ("2", "Two."),
    ]
    written = with_markers(raw, page)
    assert written.endswith("<!--T:1-->\nOne\u2028still one.\x0c\n\n<!--T:2-->\nTwo.\n")


def test_marker_directly_before_an_html_block() -> None:
    units = parse_body("<!--T:3-->\n<div>boxed</div>\n\nAfter.\n", first_line=10)
    assert [(unit.key, unit.text, unit.line) for unit in units] == [
        ("3", "<div>boxed</div>", 11),
        ("", "After.", 13),
    ]


def test_byte_order_mark_is_ignored() -> None:
    assert keys("\ufeff" + page_source("Text.")) == [("title", "A page"), ("1", "Text.")]


def test_hashes() -> None:
    assert text_hash("a  \nb\n\n") == text_hash("\na\nb")
    assert text_hash("a") != text_hash("b")
    assert file_hash("a\n") != file_hash("a")


def test_body_source_round_trips() -> None:
    body = body_source([("1", "## Head"), ("4", "Text.")])
    assert body == "<!--T:1-->\n## Head\n\n<!--T:4-->\nText.\n"
    assert [(unit.key, unit.text) for unit in parse_body(body)] == [
        ("1", "## Head"),
        ("4", "Text."),
    ]


BROKEN = [
    pytest.param("Just text.\n", 1, "must start with front matter", id="no-front-matter"),
    pytest.param("---\ntitle: T\n\nText.\n", 1, "not closed", id="unclosed"),
    pytest.param("---\ntitle: T\nsummary: [a\n---\n", 4, "front matter:", id="bad-yaml"),
    pytest.param("---\n- a\n- b\n---\n", 2, "'name: value'", id="not-a-mapping"),
    pytest.param(
        "---\ntitle: T\ncolour: red\n---\n",
        3,
        "unknown front-matter field 'colour'",
        id="unknown-field",
    ),
    pytest.param("---\ntitle: T\nslug: About Us\n---\n", 3, "the slug 'About Us'", id="bad-slug"),
    pytest.param("---\ntitle: T\n\nkind: news\n---\n", 4, "kind must be one of", id="bad-kind"),
    pytest.param(
        "---\ntitle: T\nsummary: 3\n---\n", 3, "summary must be a line of text", id="summary-number"
    ),
    pytest.param("---\ntitle: ''\n---\n", 2, "title must be a line of text", id="empty-title"),
    pytest.param("---\nsummary: S\n---\n", 1, "no title", id="no-title"),
    pytest.param(
        "---\ntitle: T\npublished: maybe\n---\n",
        3,
        "published must be true or false",
        id="published",
    ),
    pytest.param("---\ntitle: T\nbanner: 1\n---\n", 3, "banner must be true or false", id="banner"),
    pytest.param(
        "---\ntitle: T\nmenu: first\n---\n", 3, "menu must be a whole number", id="menu-text"
    ),
    pytest.param(
        "---\ntitle: T\nmenu: -1\n---\n", 3, "menu must be a whole number", id="menu-negative"
    ),
    pytest.param(
        "---\ntitle: T\nmenu: true\n---\n", 3, "menu must be a whole number", id="menu-bool"
    ),
    pytest.param(
        "---\ntitle: T\n---\n\nText.\n\n<!--T:4-->\n",
        7,
        "T:4 is not followed by any text",
        id="dangling-marker",
    ),
    pytest.param(
        "---\ntitle: T\n---\n\n<!--T:1-->\n\n<!--T:2-->\nText.\n",
        5,
        "T:1 is followed by another marker",
        id="two-markers",
    ),
    pytest.param(
        "---\ntitle: T\n---\n\n<!--T:summary-->\nText.\n",
        5,
        "T:summary is reserved",
        id="reserved-key",
    ),
    pytest.param(
        "---\ntitle: T\n---\n\n<!--T:1-->\nOne.\n\n<!--T:1-->\nTwo.\n",
        8,
        "T:1 is used twice (first on line 5)",
        id="duplicate-marker",
    ),
]


@pytest.mark.parametrize(("raw", "line", "message"), BROKEN)
def test_every_problem_names_its_file_and_line(raw: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_source(raw, path="content/en/about.md", slug="about")
    assert caught.value.line == line
    assert caught.value.path == "content/en/about.md"
    assert message in caught.value.message
    assert str(caught.value) == f"content/en/about.md:{line}: {caught.value.message}"


def test_a_bad_file_name_is_a_bad_slug_on_line_one() -> None:
    with pytest.raises(SourceError) as caught:
        parse_source(page_source("Text."), slug="About_Us")
    assert str(caught.value).startswith("line 1: the slug 'About_Us'")
