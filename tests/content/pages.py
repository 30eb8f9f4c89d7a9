"""Building public pages for tests, through the parser and the service the product uses.

    page = make_page("about", "Hello.\\n\\n## Whom we support", title="Who we are")
    write_page(tmp_path, "about", "Hello.")  # tmp_path/en/about.md, for ``content sync``

``body`` is Markdown; its indentation is removed, so a triple-quoted string can be indented with
the test. Blocks without a ``<!--T:n-->`` marker are numbered 1, 2, … as the parser does.
"""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from rightsdesk.content.models import Page
from rightsdesk.content.services import page_apply_source
from rightsdesk.content.source import parse_source


def page_source(body: str = "", **front_matter: Any) -> str:
    """A source file's text: front matter (``title: A page`` unless given) and ``body``."""
    meta = {"title": "A page", **front_matter}
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    text = textwrap.dedent(body).strip("\n")
    return f"---\n{head}---\n\n{text}\n" if text else f"---\n{head}---\n"


def make_page(slug: str, body: str = "", /, *, language: str = "en", **front_matter: Any) -> Page:
    """Create (or update) page ``slug`` as ``content sync`` would load it. A ``slug`` front-matter
    field, if given, names the page instead, as in a file."""
    source = parse_source(page_source(body, **front_matter), slug=slug, language=language)
    return page_apply_source(source=source).page


def write_page(
    directory: Path, slug: str, body: str = "", /, *, language: str = "en", **front_matter: Any
) -> Path:
    """Write ``<directory>/<language>/<slug>.md`` and return its path."""
    path = directory / language / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page_source(body, **front_matter), encoding="utf-8")
    return path


class Run:
    def __init__(self, stdout: str, stderr: str) -> None:
        self.stdout = stdout
        self.stderr = stderr


def sync(directory: Path, *options: str, verbosity: int = 1) -> Run:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "content",
        "sync",
        "--dir",
        str(directory),
        *options,
        verbosity=verbosity,
        stdout=stdout,
        stderr=stderr,
    )
    return Run(stdout.getvalue(), stderr.getvalue())


def failing_sync(directory: Path, *options: str) -> tuple[CommandError, str]:
    stderr = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "content",
            "sync",
            "--dir",
            str(directory),
            *options,
            stdout=io.StringIO(),
            stderr=stderr,
        )
    assert caught.value.returncode == 1
    return caught.value, stderr.getvalue()
