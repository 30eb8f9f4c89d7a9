"""Serving a long, partly translated public page, measured against a trivial Django view.

The page is the worst case a reader meets: 200 units read in Persian, of which about half are
translated, a tenth carry an outdated translation and the rest fall back to English. It is
loaded into a fresh SQLite data directory with ``content sync``'s own services, then rightsdesk
is served exactly as in production (``python -m rightsdesk serve``) beside the do-nothing view of
bench/trivial_app.py with the same gunicorn settings, and both are loaded by 50 keep-alive clients.

The goal: p95 under 30 ms when the page comes from the cache, and at least half the trivial
view's throughput. The first request renders and caches the page; the warm-up covers that, and a
separate line reports a cold rendering after an edit invalidated the cache.

This prints figures and never fails on speed. Run from the repository root:

    .venv/bin/python bench/content.py [--seconds 10] [--clients 50]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import pages as page_bench  # noqa: E402  (bench/pages.py: the servers and the load generators)

GOAL_RATIO = 0.5
GOAL_P95_MS = 30.0
SLUG = "long-page"
LANGUAGE = "fa"
UNITS = 200


def seed() -> None:
    """Runs inside the data directory's environment (``--seed``): the long page and its Persian
    translation, through the same services an editor and a translator use."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rightsdesk.settings")
    django.setup()
    from rightsdesk.content.models import Unit
    from rightsdesk.content.services import page_apply_source, translation_save
    from rightsdesk.content.source import parse_source

    def body(revised: set[int]) -> str:
        blocks = []
        for number in range(1, UNITS + 1):
            if number % 20 == 1:
                text = f"## Section {number // 20 + 1}"
            else:
                text = (
                    f"Paragraph {number} explains one thing a volunteer should know about "
                    "staying safe while editing, with [a link](page:overview) and **emphasis**."
                )
            if number in revised:
                text += " Revised."
            blocks.append(f"<!--T:{number}-->\n{text}")
        return "\n\n".join(blocks)

    def source(revised: set[int]) -> str:
        return f"---\ntitle: A long page\nsummary: Many units.\n---\n\n{body(revised)}\n"

    page_apply_source(source=parse_source(source(set()), slug=SLUG))
    translated = [n for n in range(1, UNITS + 1) if n % 10 < 6]
    for unit in Unit.objects.filter(page__slug=SLUG, key__in=[str(n) for n in translated]):
        text = unit.text.replace("Paragraph", "بند").replace("Section", "بخش")
        translation_save(unit=unit, language=LANGUAGE, text=text, actor=None)
    # One unit in ten of the translated ones changes in English: its translation is outdated.
    page_apply_source(source=parse_source(source(set(translated[::6])), slug=SLUG))


def prepare(workdir: Path) -> dict[str, str]:
    env = page_bench.production_env(workdir / "data")
    env["DJANGO_SETTINGS_MODULE"] = "rightsdesk.settings"
    for argv in (
        [sys.executable, "-m", "rightsdesk", "migrate", "--no-input", "-v0"],
        [sys.executable, str(Path(__file__).resolve()), "--seed"],
    ):
        subprocess.run(argv, cwd=page_bench.REPO_ROOT, env=env, check=True)
    return env


def cold_render_ms(port: int, path: str, env: dict[str, str]) -> float:
    """One request right after an edit: the rendering the cache saves every other reader."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','rightsdesk.settings');"
        "django.setup(); from rightsdesk.content.services import content_changed;"
        "content_changed()"
    )
    subprocess.run([sys.executable, "-c", code], cwd=page_bench.REPO_ROOT, env=env, check=True)
    started = time.perf_counter()
    status, _body = page_bench.http_get(port, path)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 200:
        raise page_bench.BenchError(f"{path} answered {status} after the edit")
    return elapsed


def measure(options: argparse.Namespace) -> None:
    wrk = page_bench.choose_generator(options.generator)
    gunicorn = page_bench.gunicorn_settings()
    path = f"/{LANGUAGE}/{SLUG}/"
    with tempfile.TemporaryDirectory(prefix="rightsdesk-bench-content-") as temp:
        workdir = Path(temp)
        script = workdir / "report.lua"
        script.write_text(page_bench.WRK_SCRIPT, encoding="utf-8")
        env = prepare(workdir)
        rightsdesk_port, trivial_port = page_bench.free_ports(2)
        server = page_bench.rightsdesk_server(rightsdesk_port, workdir)
        with (
            page_bench.running(server) as rightsdesk,
            page_bench.running(
                page_bench.trivial_server(trivial_port, workdir, gunicorn)
            ) as trivial,
        ):
            page_bench.wait_until_ready(rightsdesk, rightsdesk_port, "/healthz")
            page_bench.wait_until_ready(trivial, trivial_port, "/")
            targets = [
                page_bench.Target(f"Persian long page {path}", rightsdesk_port, path, True),
                page_bench.Target("trivial view /", trivial_port, "/", False),
            ]
            page_bench.describe_run(options, wrk, gunicorn)
            weights = {targets[0]: page_bench.page_weight(rightsdesk_port, path)}
            results = {target: page_bench.load(target, options, wrk, script) for target in targets}
            cold = [cold_render_ms(rightsdesk_port, path, env) for _ in range(5)]
        print()
        page_bench.print_table(results, weights)
        page, baseline = (results[target] for target in targets)
        ratio = page.per_second / baseline.per_second if baseline.per_second else 0.0
        print()
        print(f"page from the cache: p95 {page.p95_ms:.1f} ms (goal < {GOAL_P95_MS:.0f} ms)")
        print(f"throughput: {ratio:.2f} of the trivial view (goal >= {GOAL_RATIO})")
        print(
            "first rendering after an edit (cache invalidated), 5 tries: "
            + ", ".join(f"{ms:.1f}" for ms in cold)
            + " ms"
        )


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:] == ["--seed"]:
        seed()
        return 0
    options = page_bench.parse_args(argv)
    try:
        measure(options)
    except page_bench.BenchError as error:
        sys.stderr.write(f"bench/content.py: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("bench/content.py: interrupted; both servers were stopped\n")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
