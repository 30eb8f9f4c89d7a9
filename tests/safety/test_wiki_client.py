"""The MediaWiki client, against a local HTTP server answering with recorded API responses."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from django.utils import translation
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rightsdesk import __version__
from rightsdesk.safety.footprint import report
from rightsdesk.safety.footprint.wiki import (
    HostNotAllowed,
    InvalidUsername,
    UnknownUser,
    WikiClient,
    WikiUnavailable,
    allowed_host,
    valid_username,
)
from tests.safety.api import recorded


class RecordingWiki:
    """Answers each API request with the recorded answer for its kind, and remembers it."""

    def __init__(self, server: HTTPServer, answers: dict[str, Any]) -> None:
        self.requests: list[dict[str, str]] = []
        self.headers: list[dict[str, str]] = []
        self.answers = answers
        server.expect_request("/w/api.php").respond_with_handler(self)

    def __call__(self, request: Request) -> Response:
        params = dict(request.args)
        self.requests.append(params)
        self.headers.append(dict(request.headers))
        kind = "globaluserinfo" if params.get("meta") == "globaluserinfo" else "pages"
        return Response(json.dumps(self.answers[kind]), content_type="application/json")


def client_for(server: HTTPServer, host: str = "fa.wikipedia.org", **kwargs: Any) -> WikiClient:
    return WikiClient(host, base_url=server.url_for("/").rstrip("/"), **kwargs)


# The host allow-list: only DNS names under Wikimedia's domains, nothing that could reach inside.


@pytest.mark.parametrize(
    ("value", "host"),
    [
        ("fa.wikipedia.org", "fa.wikipedia.org"),
        ("  FA.Wikipedia.ORG ", "fa.wikipedia.org"),
        ("https://zh.wikipedia.org/", "zh.wikipedia.org"),
        ("commons.wikimedia.org", "commons.wikimedia.org"),
        ("www.wikidata.org", "www.wikidata.org"),
        ("zh-min-nan.wikipedia.org", "zh-min-nan.wikipedia.org"),
    ],
)
def test_wikimedia_hosts_are_allowed(value: str, host: str):
    assert allowed_host(value) == host


@pytest.mark.parametrize(
    "value",
    [
        "127.0.0.1",
        "10.0.0.5",
        "[::1]",
        "::1",
        "169.254.169.254",
        "fa.wikipedia.org:8080",
        "fa.wikipedia.org:443",
        "user@fa.wikipedia.org",
        "user:secret@fa.wikipedia.org",
        "evil.com/wikipedia.org",
        "evil.com/fa.wikipedia.org",
        "evil.com?fa.wikipedia.org",
        "evil.com#.wikipedia.org",
        "wikipedia.org.evil.com",
        "fa.wikipedia.org.evil.com",
        "evilwikipedia.org",
        "http://fa.wikipedia.org",
        "http://fa.wikipedia.org/",
        "https://fa.wikipedia.org/wiki/User:Me",
        "ftp://fa.wikipedia.org",
        "fa.wikipedia.org.",
        "fa..wikipedia.org",
        "-fa.wikipedia.org",
        "evil.com\nfa.wikipedia.org",
        "localhost",
        "",
        "fa.wikipedia.org\\@evil.com",
        "f\u0430.wikipedia.org",  # a Cyrillic a
    ],
)
def test_anything_else_is_refused_with_a_translated_message(value: str):
    with pytest.raises(HostNotAllowed) as refused:
        allowed_host(value)
    assert "Wikimedia wiki" in str(refused.value)
    with translation.override("fa"):
        assert str(refused.value.args[0])  # a lazy translation, rendered in the reader's language


def test_the_allow_list_comes_from_settings(settings):
    settings.RIGHTSDESK_FOOTPRINT_WIKI_SUFFIXES = ["wiki.example.org"]
    assert allowed_host("fa.wiki.example.org") == "fa.wiki.example.org"
    with pytest.raises(HostNotAllowed):
        allowed_host("fa.wikipedia.org")


def test_a_client_refuses_a_host_outside_the_list_before_any_request():
    with pytest.raises(HostNotAllowed):
        WikiClient("127.0.0.1")


@pytest.mark.parametrize(
    "name", ["", "  ", "A|B", "A/subpage", "a[b]", "x{y}", "a#b", "a\x7fb", "a:b"]
)
def test_impossible_user_names_are_refused(name: str):
    with pytest.raises(InvalidUsername):
        valid_username(name)


def test_user_names_are_normalised_as_the_wiki_would():
    assert valid_username("  Some_editor  name ") == "Some editor name"
    assert valid_username("پریسا") == "پریسا"


# Fetching pages.


def test_fetch_reads_both_pages_and_the_localised_file_namespace(httpserver: HTTPServer):
    wiki = RecordingWiki(httpserver, {"pages": recorded("fa_user.json")})
    pages = client_for(httpserver).fetch("Parisa")
    assert pages.username == "Parisa"
    assert pages.host == "fa.wikipedia.org"
    assert pages.user_page is not None
    assert "[[پرونده:Parisa at home.jpg" in pages.user_page
    assert pages.talk_page is not None
    assert "خوش آمدید" in pages.talk_page
    assert set(pages.image_namespaces) == {"File", "Image", "پرونده", "تصویر"}
    # One request carries both pages, the account check and the site information.
    [params] = wiki.requests
    assert params["action"] == "query"
    assert params["format"] == "json"
    assert params["maxlag"] == "5"
    assert params["titles"] == "User:Parisa|User talk:Parisa"
    assert params["rvslots"] == "main"
    assert params["prop"] == "revisions"
    assert params["meta"] == "siteinfo"
    assert params["ususers"] == "Parisa"
    assert "namespacealiases" in params["siprop"]


def test_the_user_agent_names_rightsdesk_and_why(httpserver: HTTPServer, settings):
    wiki = RecordingWiki(httpserver, {"pages": recorded("fa_user.json")})
    client_for(httpserver).fetch("Parisa")
    agent = wiki.headers[0]["User-Agent"]
    assert agent == (
        f"rightsdesk-footprint/{__version__} "
        f"({settings.PUBLIC_URL}; safety check requested by a volunteer)"
    )


def test_chinese_file_namespace_aliases(httpserver: HTTPServer):
    RecordingWiki(httpserver, {"pages": recorded("zh_user.json")})
    pages = client_for(httpserver, "zh.wikipedia.org").fetch("小明")
    assert set(pages.image_namespaces) == {"File", "Image", "文件", "图像"}
    assert pages.user_page is not None
    assert "[[文件:" in pages.user_page
    assert pages.talk_page is None


def test_an_account_without_pages_has_none(httpserver: HTTPServer):
    RecordingWiki(httpserver, {"pages": recorded("fa_user_without_pages.json")})
    pages = client_for(httpserver).fetch("Quiet editor")
    assert (pages.user_page, pages.talk_page) == (None, None)


def test_an_unknown_user(httpserver: HTTPServer):
    RecordingWiki(httpserver, {"pages": recorded("fa_unknown_user.json")})
    with pytest.raises(UnknownUser) as unknown:
        client_for(httpserver).fetch("No such volunteer")
    assert unknown.value.username == "No such volunteer"


def test_other_wikis_come_from_the_global_account(httpserver: HTTPServer):
    wiki = RecordingWiki(httpserver, {"globaluserinfo": recorded("globaluserinfo_merged.json")})
    hosts = client_for(httpserver).other_wikis("Parisa")
    # The wiki checked is left out, and so is anything outside the allow-list.
    assert hosts == ["commons.wikimedia.org", "en.wikipedia.org", "www.wikidata.org"]
    [params] = wiki.requests
    assert params["guiuser"] == "Parisa"
    assert params["guiprop"] == "merged"
    assert params["maxlag"] == "5"
    assert params["format"] == "json"


def test_no_global_account_means_no_other_wikis(httpserver: HTTPServer):
    RecordingWiki(httpserver, {"globaluserinfo": recorded("globaluserinfo_missing.json")})
    assert client_for(httpserver).other_wikis("Parisa") == []


# Everything that can go wrong on the wiki's side is one exception with a short, name-free reason.


def test_a_slow_wiki_is_unavailable(httpserver: HTTPServer):
    def slow(request: Request) -> Response:
        time.sleep(0.5)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/w/api.php").respond_with_handler(slow)
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver, timeout=(1.0, 0.05)).fetch("Parisa")
    assert unavailable.value.reason == "timeout"


@pytest.mark.parametrize("status", [500, 503, 429, 404])
def test_an_http_error_is_unavailable(httpserver: HTTPServer, status: int):
    httpserver.expect_request("/w/api.php").respond_with_data("oops", status=status)
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).fetch("Parisa")
    assert unavailable.value.reason == f"http-{status}"


def test_a_redirect_is_not_followed(httpserver: HTTPServer):
    httpserver.expect_request("/w/api.php").respond_with_data(
        "", status=302, headers={"Location": "http://127.0.0.1:1/internal"}
    )
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).fetch("Parisa")
    assert unavailable.value.reason == "http-302"


def test_maxlag_is_unavailable(httpserver: HTTPServer):
    httpserver.expect_request("/w/api.php").respond_with_json(
        recorded("maxlag.json"), headers={"Retry-After": "5"}
    )
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).fetch("Parisa")
    assert unavailable.value.reason == "maxlag"


def test_an_api_error_is_unavailable(httpserver: HTTPServer):
    httpserver.expect_request("/w/api.php").respond_with_json(recorded("api_error.json"))
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).other_wikis("Parisa")
    assert unavailable.value.reason == "api-error:internal_api_error_DBQueryError"


@pytest.mark.parametrize("body", ["<html>maintenance</html>", "[1, 2]", '{"batchcomplete": true}'])
def test_a_garbled_answer_is_unavailable(httpserver: HTTPServer, body: str):
    httpserver.expect_request("/w/api.php").respond_with_data(body, content_type="text/html")
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).fetch("Parisa")
    assert unavailable.value.reason == "invalid-response"


def test_a_wiki_that_cannot_be_reached_is_unavailable(httpserver: HTTPServer):
    unreachable = WikiClient("fa.wikipedia.org", base_url="http://127.0.0.1:9")
    with pytest.raises(WikiUnavailable) as unavailable:
        unreachable.fetch("Parisa")
    assert unavailable.value.reason == "connection"
    # requests' own exception names the URL, and so the user name: it is not kept.
    assert unavailable.value.__cause__ is None
    assert unavailable.value.__suppress_context__


def test_an_oversized_answer_is_unavailable(httpserver: HTTPServer, monkeypatch):
    monkeypatch.setattr("rightsdesk.safety.footprint.wiki.MAX_RESPONSE_BYTES", 1000)
    httpserver.expect_request("/w/api.php").respond_with_data("x" * 5000)
    with pytest.raises(WikiUnavailable) as unavailable:
        client_for(httpserver).fetch("Parisa")
    assert unavailable.value.reason == "too-large"


# The report over a whole user check.


def test_check_user_reports_both_pages_and_the_other_wikis(httpserver: HTTPServer):
    RecordingWiki(
        httpserver,
        {
            "pages": recorded("fa_user.json"),
            "globaluserinfo": recorded("globaluserinfo_merged.json"),
        },
    )
    result = report.check_user("Parisa", "fa.wikipedia.org", client=client_for(httpserver))
    assert result.wikis_checked == ["fa.wikipedia.org"]
    assert result.other_wikis == ["commons.wikimedia.org", "en.wikipedia.org", "www.wikidata.org"]
    kinds = {(finding.kind, finding.source) for finding in result.findings}
    assert ("photo", "User:Parisa") in kinds
    assert ("email", "User talk:Parisa") in kinds
    same = [finding for finding in result.findings if finding.kind == "same_username"]
    assert [finding.source for finding in same] == result.other_wikis
    assert all(finding.lesson == "user-page-intermediate" for finding in same)
    assert "same_username" not in {finding.kind for finding in result.page_findings}
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [order[finding.severity] for finding in result.findings]
    assert ranks == sorted(ranks)


def test_nothing_about_the_user_reaches_the_log(httpserver: HTTPServer, caplog):
    caplog.set_level(logging.DEBUG)
    RecordingWiki(
        httpserver,
        {
            "pages": recorded("fa_user.json"),
            "globaluserinfo": recorded("globaluserinfo_merged.json"),
        },
    )
    report.check_user("Parisa", "fa.wikipedia.org", client=client_for(httpserver))
    # The test wiki (werkzeug) logs its own requests; rightsdesk's side must log nothing of them.
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    assert not [message for message in ours if "Parisa" in message or "api.php" in message]
