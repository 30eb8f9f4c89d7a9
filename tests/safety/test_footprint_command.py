"""``python -m rightsdesk footprint`` on wikitext files and on a local server acting as a wiki."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_httpserver import HTTPServer

from tests.safety.api import recorded, serve
from tests.safety.wikitext import DIRECTORY


def footprint(*args: str, stdin: str | None = None, monkeypatch=None) -> str:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("footprint", *args, stdout=out)
    return out.getvalue()


# Wikitext files.


def test_a_persian_file_prints_one_line_per_finding_and_a_summary():
    lines = footprint("--wikitext", str(DIRECTORY / "persian.wiki")).splitlines()
    assert lines[0].split() == ["HIGH", "location", "{{کاربر", "تهران}}"]
    assert any(line.startswith("HIGH") and "[[پرونده:" in line for line in lines)
    assert any(line.startswith("LOW") and "{{بابل|fa|en-3|ar-1}}" in line for line in lines)
    assert lines[-1] == "17 finding(s): 9 high, 6 medium, 2 low."


def test_json_lists_kind_severity_evidence_lesson_and_source():
    findings = json.loads(footprint("--wikitext", str(DIRECTORY / "chinese.wiki"), "--json"))
    assert findings[0] == {
        "kind": "location",
        "severity": "high",
        "evidence": "{{User 北京}}",
        "lesson": "doxxing-beginner",
        "source": "",
    }
    assert {"kind": "photo", "severity": "high"}.items() <= findings[1].items()
    assert findings[-1]["kind"] == "language_box"


def test_wikitext_can_come_from_standard_input(monkeypatch):
    text = "Mail me: someone@example.org\n{{User Tehran}}"
    lines = footprint("--wikitext", "-", stdin=text, monkeypatch=monkeypatch).splitlines()
    assert lines == [
        "HIGH    email          someone@example.org",
        "HIGH    location       {{User Tehran}}",
        "2 finding(s): 2 high, 0 medium, 0 low.",
    ]


def test_a_clean_text_says_so(monkeypatch):
    output = footprint("--wikitext", "-", stdin="Just prose.", monkeypatch=monkeypatch)
    assert output == "Nothing found that reveals the person.\n"
    assert footprint("--wikitext", "-", "--json", stdin="", monkeypatch=monkeypatch) == "[]\n"


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.wiki: No such file") as failure:
        footprint("--wikitext", str(tmp_path / "missing.wiki"))
    assert failure.value.returncode == 1
    (tmp_path / "binary.wiki").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(CommandError, match=r"Cannot read .*binary\.wiki"):
        footprint("--wikitext", str(tmp_path / "binary.wiki"))


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--user", "Parisa"),
        ("--wiki", "fa.wikipedia.org"),
        ("--wikitext", "-", "--wiki", "fa.wikipedia.org"),
    ],
)
def test_the_arguments_must_name_one_thing_to_check(args: tuple[str, ...]):
    with pytest.raises(CommandError, match="--wikitext"):
        footprint(*args)


# A wiki account, through the local server.


def test_a_user_check_reports_both_pages_and_the_other_wikis(wiki: HTTPServer):
    serve(wiki, "fa_user.json")
    output = footprint("--user", "Parisa", "--wiki", "fa.wikipedia.org", "--json")
    findings = json.loads(output)
    by_kind = {finding["kind"]: finding for finding in findings}
    assert by_kind["location"]["evidence"] == "{{کاربر ساکن تهران}}"
    assert by_kind["location"]["source"] == "User:Parisa"
    assert by_kind["photo"]["severity"] == "high"
    assert by_kind["email"]["source"] == "User talk:Parisa"
    assert by_kind["same_username"]["lesson"] == "user-page-intermediate"
    assert "en.wikipedia.org" in {f["source"] for f in findings if f["kind"] == "same_username"}


def test_a_user_check_prints_where_each_finding_is(wiki: HTTPServer):
    serve(wiki, "fa_user.json")
    lines = footprint("--user", "Parisa", "--wiki", "fa.wikipedia.org").splitlines()
    assert lines[0] == "HIGH    location       {{کاربر ساکن تهران}}  [User:Parisa]"
    assert "parisa.example@example.org  [User talk:Parisa]" in "\n".join(lines)


def test_an_unknown_user_is_a_clear_error(wiki: HTTPServer):
    serve(wiki, "fa_unknown_user.json")
    with pytest.raises(CommandError) as failure:
        footprint("--user", "No such volunteer", "--wiki", "fa.wikipedia.org")
    assert str(failure.value) == "There is no user named No such volunteer on fa.wikipedia.org."
    assert failure.value.returncode == 1


@pytest.mark.parametrize("answer", ["maxlag.json", "api_error.json", 503])
def test_a_wiki_that_cannot_answer_gets_a_retry_hint(wiki: HTTPServer, answer):
    if isinstance(answer, int):
        wiki.expect_request("/w/api.php").respond_with_data("down", status=answer)
    else:
        wiki.expect_request("/w/api.php").respond_with_json(recorded(answer))
    with pytest.raises(CommandError, match=r"fa\.wikipedia\.org did not answer") as failure:
        footprint("--user", "Parisa", "--wiki", "fa.wikipedia.org")
    assert "try again in a few minutes" in str(failure.value)
    assert failure.value.returncode == 1


def test_a_host_outside_wikimedia_is_refused_before_any_request(wiki: HTTPServer):
    with pytest.raises(CommandError, match="Wikimedia wiki") as failure:
        footprint("--user", "Parisa", "--wiki", "127.0.0.1")
    assert failure.value.returncode == 1
    assert wiki.log == []
