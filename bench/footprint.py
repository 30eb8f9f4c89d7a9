"""Pages per second of the footprint check, beside a naive "parse everything" baseline.

The corpus is generated (seeded, so every run reads the same pages): ``--pages`` user pages of
about 5 KB each, mixing English, Persian and Chinese userboxes, babel boxes, images and galleries,
links to social media and personal sites, contact details and plain prose, as volunteers write
them. Both analysers read every page of the corpus, in the same process, on one core (the process
is pinned to its first allowed CPU where the system allows it):

- **rightsdesk**: ``analyse_wikitext``, which finds candidate regions with regular expressions
  (cheap literal triggers first, full patterns only around them), splits flat templates on "|"
  and "=" and parses only the interesting regions with nested markup with mwparserfromhell;
- **baseline**: ``mwparserfromhell.parse`` on the whole page, then a walk over every template,
  wikilink and external link with the same keyword lists, plus the same e-mail and phone
  patterns over the whole text.

Each is run for at least ``--seconds`` seconds (whole passes over the corpus) after one
unrecorded warm-up pass, and the report prints pages/s for both, the ratio, and whether the goal
is met: at least 200 pages/s and at least 3 times the baseline. It also prints the number of
findings each made, as a sanity check that both did real work.

This prints figures and never fails on speed. Run from the repository root:

    .venv/bin/python bench/footprint.py [--pages 500] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import mwparserfromhell  # noqa: E402

from rightsdesk.safety.footprint import keywords  # noqa: E402
from rightsdesk.safety.footprint.analyse import DEFAULT_IMAGE_NAMESPACES, analyse_wikitext  # noqa: E402

GOAL_PAGES_PER_SECOND = 200.0
GOAL_RATIO = 3.0
PAGE_BYTES = 5_000

USERBOXES = [
    "{{User Wikipedian}}", "{{User Tehran}}", "{{کاربر تهران}}", "{{User 北京}}",
    "{{User en-3}}", "{{کاربر fa}}", "{{User zh-hans-N}}", "{{Babel|fa|en-2|ar-1}}",
    "{{بابل|fa|en-3}}", "{{Babel|zh|en-2}}", "{{User born|1990}}", "{{User Catholic}}",
    "{{کاربر مسلمان}}", "{{Userbox|image=Flag of Iran.svg|info=This user lives in Shiraz.}}",
    "{{جعبه کاربر|تصویر=Me.jpg|متن=این کاربر دانشجوی دانشگاه تهران است.}}",
    "{{Userbox|info=这位用户来自上海。}}", "{{User vegetarian}}", "{{Userbox begin}}",
    "{{Userbox end}}", "{{coord|35.7|51.4}}", "{{User linux}}", "{{User admin}}",
    "{{Userbox|image=[[File:Me.jpg|40px]]|info=This user studies at [[University of Tehran]].}}",
    "{{Userbox|info=This user lives in [[Isfahan]] and is {{age|1990|1|1}} years old.}}",
]  # fmt: skip
LINKS = [
    "[[File:Me at the meetup {n}.jpg|thumb|Me]]", "[[پرونده:عکس {n}.jpg|بندانگشتی]]",
    "[[文件:照片{n}.png|200px]]", "[[File:Logo {n}.svg|20px]]", "[[Article {n}]]",
    "[[Wikipedia:WikiProject History|project]]", "[[User talk:Someone {n}|talk]]",
    "[https://twitter.com/user{n} Twitter]", "[https://blog{n}.example.net my blog]",
    "https://t.me/channel{n}", "[https://en.wikipedia.org/wiki/Special:Contributions/X c]",
    "{{cite web|url=https://example.org/{n}|title=Source {n}}}",
]  # fmt: skip
PROSE = [
    "I mostly edit articles about medieval history, botany and the geography of small islands.",
    "من بیشتر مقاله‌های تاریخ و جغرافیا را ویرایش می‌کنم و به ترجمه علاقه دارم.",
    "我主要编辑历史和地理条目\uff0c也喜欢翻译。",
    "Feel free to leave a message on my talk page if you have questions about my edits.",
    "I have been contributing since {year} and enjoy fixing references and typos.",
    "You can write to me at volunteer{n}@example.org or call +98 912 345 {n:04d}.",
    "سلام! ساکن کرج هستم و ۲۵ ساله هستم.",
    "大家好\uff0c我叫王小明\uff0c住在北京。",
]


def generate_corpus(count: int, seed: int = 6) -> list[str]:
    """``count`` user pages of about ``PAGE_BYTES`` UTF-8 bytes each."""
    rng = random.Random(seed)
    pages = []
    for _ in range(count):
        parts: list[str] = []
        size = 0
        while size < PAGE_BYTES:
            roll = rng.random()
            n = rng.randrange(10_000)
            if roll < 0.3:
                part = rng.choice(USERBOXES)
            elif roll < 0.5:
                part = rng.choice(LINKS).format(n=n)
            elif roll < 0.55:
                part = f"<gallery>\nFile:Trip {n}.jpg|Trip\nFile:Map {n}.svg\n</gallery>"
            else:
                part = rng.choice(PROSE).format(n=n, year=rng.randrange(2004, 2026))
            parts.append(part)
            size += len(part.encode()) + 1
        pages.append("\n".join(parts))
    return pages


def naive_analyse(text: str) -> int:
    """The baseline: the whole page through mwparserfromhell, every node walked with the same
    keyword lists. Returns the number of findings."""
    folded = keywords.fold(text)
    found = 0
    namespaces = {keywords.fold(ns).casefold() for ns in DEFAULT_IMAGE_NAMESPACES}
    code = mwparserfromhell.parse(text)
    for template in code.filter_templates(recursive=True):
        name = keywords.fold(str(template.name)).strip().casefold()
        said = keywords.fold(str(template))
        if name in keywords.BABEL_NAMES or name in keywords.COORDINATE_NAMES:
            found += 1
        for parameter in template.params:
            key = " ".join(keywords.fold(str(parameter.name)).casefold().split())
            if any(key in names for _, _, names in keywords.PARAMETER_KINDS):
                found += 1
            if keywords.RASTER_FILE.fullmatch(str(parameter.value).strip()):
                found += 1
        if keywords.USERISH.search(name):
            found += len({match.lastgroup for match in keywords.TOPICS.finditer(said)})
            found += bool(keywords.LOCATION_PHRASE.search(said))
    for link in code.filter_wikilinks(recursive=True):
        title = keywords.fold(str(link.title))
        namespace, _, rest = title.partition(":")
        if namespace.strip().casefold() in namespaces and keywords.RASTER_FILE.fullmatch(rest):
            found += 1
    for tag in code.filter_tags(recursive=True):
        if str(tag.tag).strip().casefold() == "gallery" and tag.contents:
            found += len(keywords.RASTER_FILE.findall(str(tag.contents)))
    for external in code.filter_external_links(recursive=True):
        host = (urlsplit(str(external.url)).hostname or "").removeprefix("www.")
        if host:
            found += 1
    for text_node in code.filter_text(recursive=True):
        said = keywords.fold(str(text_node))
        for _, _, pattern in keywords.PROSE_PATTERNS:
            found += len(pattern.findall(said))
    found += len(keywords.EMAIL.findall(folded)) + len(keywords.PHONE.findall(folded))
    return found


def measure(analyse: Callable[[str], int], corpus: list[str], seconds: float) -> tuple[float, int]:
    """(pages per second, findings in one pass) over whole passes of at least ``seconds``."""
    findings = sum(analyse(page) for page in corpus)  # warm-up, and the sanity count
    pages = 0
    started = time.perf_counter()
    while True:
        for page in corpus:
            analyse(page)
        pages += len(corpus)
        elapsed = time.perf_counter() - started
        if elapsed >= seconds:
            return pages / elapsed, findings


def pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (this system cannot pin a process)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=500, help="pages in the corpus (500)")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="least time per analyser, in seconds (5)"
    )
    options = parser.parse_args(argv)

    corpus = generate_corpus(options.pages)
    average = sum(len(page.encode()) for page in corpus) / len(corpus)
    print("Footprint check: pages per second on one core")
    print(
        f"{len(corpus)} generated user pages, {average / 1000:.1f} KB on average; "
        f"{pin_to_one_core()}; {os.cpu_count()} CPUs on the machine"
    )
    print(f"1-minute load average before measuring: {os.getloadavg()[0]:.2f}")
    print(f"mwparserfromhell {mwparserfromhell.__version__}, C tokenizer: "
          f"{'yes' if mwparserfromhell.parser.use_c else 'no'}")  # fmt: skip
    print()

    ours, our_findings = measure(lambda page: len(analyse_wikitext(page)), corpus, options.seconds)
    base, base_findings = measure(naive_analyse, corpus, options.seconds)
    ratio = ours / base if base else float("inf")
    print(f"{'analyser':<12} {'pages/s':>10} {'findings':>10}")
    print(f"{'rightsdesk':<12} {ours:>10.0f} {our_findings:>10}")
    print(f"{'baseline':<12} {base:>10.0f} {base_findings:>10}")
    print(f"ratio: {ratio:.1f} times the baseline")
    print()
    met = ours >= GOAL_PAGES_PER_SECOND
    print(f"goal ≥ {GOAL_PAGES_PER_SECOND:.0f} pages/s: {'met' if met else 'NOT met'} ({ours:.0f})")
    met = ratio >= GOAL_RATIO
    print(
        f"goal ≥ {GOAL_RATIO:.0f} times the baseline: {'met' if met else 'NOT met'} ({ratio:.1f})"
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
