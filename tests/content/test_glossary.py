"""The glossary's entries: how they are read, their anchors, and the rules sync holds them to."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from rightsdesk.content.glossary import Glossary, TermLinker, anchor, entry_parse
from tests.content.pages import make_page, write_page


def test_an_entry_has_a_term_synonyms_and_a_definition() -> None:
    entry = entry_parse("**Doxxing** (also: doxing, dox) — Publishing private details.")
    assert entry is not None
    assert entry.term == "Doxxing"
    assert entry.synonyms == ("doxing", "dox")
    assert entry.definition == "Publishing private details."


def test_entries_in_other_scripts_and_punctuation() -> None:
    chinese = entry_parse(
        "**人肉搜索**\uff08也称\uff1a起底\u3001开盒\uff09\u2014\u2014找出并公开他人信息。"
    )
    assert chinese is not None
    assert (chinese.term, chinese.synonyms) == ("人肉搜索", ("起底", "开盒"))
    persian = entry_parse("**افشاگری** (همچنین: داکسینگ، افشای هویت) — انتشار اطلاعات خصوصی.")
    assert persian is not None
    assert persian.synonyms == ("داکسینگ", "افشای هویت")
    plain = entry_parse("**Tor** - Software.")
    assert plain is not None
    assert plain.synonyms == ()


def test_other_paragraphs_are_not_entries() -> None:
    assert entry_parse("Security advice is full of technical words.") is None
    assert entry_parse("**Bold** text without a dash.") is None


def test_anchors_come_from_the_term() -> None:
    assert anchor("Two-factor authentication") == "two-factor-authentication"
    assert anchor("IP-block exemption") == "ip-block-exemption"
    assert anchor("Café") == "cafe"
    assert anchor("人肉搜索") == "term"


def test_the_linker_links_each_entry_once_and_respects_word_boundaries() -> None:
    glossary = Glossary(url="/en/glossary/", phrases={"tor": "tor", "tor browser": "tor"})
    linker = TermLinker(glossary)
    assert linker.split("An editor uses Tor Browser, then Tor.") == [
        ("An editor uses ", None),
        ("Tor Browser", "/en/glossary/#tor"),
        (", then Tor.", None),
    ]
    assert TermLinker(Glossary(url="")).split("Tor") == [("Tor", None)]


@pytest.mark.django_db
def test_the_glossary_page_gives_each_entry_its_anchor(client: Client) -> None:
    make_page(
        "glossary",
        "Words.\n\n**VPN** (also: VPNs) — A tunnel.\n\n**Tor** — A network.",
        kind="glossary",
        title="Glossary",
    )
    page = client.get("/en/glossary/").content.decode()
    assert '<div class="glossary-entry" id="vpn"><p><strong>VPN</strong> (also: VPNs)' in page
    assert '<div class="glossary-entry" id="tor">' in page
    assert "<p>Words.</p>" in page


@pytest.mark.django_db
def test_sync_refuses_a_glossary_without_entries_or_with_twin_anchors(tmp_path: Path) -> None:
    write_page(tmp_path, "glossary", "Only words.", kind="glossary", title="Glossary")
    write_page(
        tmp_path,
        "words",
        "**Tor** — One.\n\n**TOR** — Two.",
        kind="glossary",
        title="More words",
    )
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("content", "sync", "--dir", str(tmp_path), stderr=stderr, stdout=io.StringIO())
    assert "a glossary needs entries" in stderr.getvalue()
    assert "the term 'TOR' has the same anchor #tor as the one on line 6" in stderr.getvalue()
