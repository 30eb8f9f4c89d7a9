"""Hand-written user pages for the footprint check, and a generator for a 1 MB page."""

from __future__ import annotations

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent


def read(name: str) -> str:
    return (DIRECTORY / name).read_text(encoding="utf-8")


def one_megabyte_page() -> str:
    """A user page of at least 1 MB: the fixtures and prose repeated, many small templates and
    links, and one huge unclosed template, the shapes a prefilter must survive."""
    block = "\n".join(read(name) for name in ("english.wiki", "persian.wiki", "chinese.wiki"))
    prose = (
        "This paragraph talks about editing articles on history and science, with a "
        "[[Link to an article]] and {{cite web|url=https://example.org/ref|title=Ref}}. "
    ) * 20
    parts = [block]
    size = len(block)
    number = 0
    while size < 1_000_000:
        number += 1
        chunk = f"\n== Section {number} ==\n{prose}\n{{{{User Wikipedian}}}}\n"
        if number == 50:
            chunk += "{{Unclosed template|" + "x" * 50_000 + "\n"
        parts.append(chunk)
        size += len(chunk)
    return "".join(parts)
