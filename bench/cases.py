"""Latency of the case workspace (queue, case page, search) with a realistic number of cases.

The data set: ``--cases`` cases of plaintext metadata only (default 100,000: what a team that has
worked for years holds), plus ``--granted`` cases (default 2,000) whose key is granted to a
coordinator, each with ``--entries`` timeline entries (default 50) genuinely encrypted to its own
case key pair. The queue lists every case; the case page decrypts a granted case's 50 entries;
search opens each granted case's encrypted search digest (the first search builds them). The goals:

- queue page (``cases:list``, with a few filter combinations): p95 under 100 ms;
- case page (``cases:detail``, 50 entries decrypted): p95 under 150 ms;
- search over the granted cases (``cases:search``): under 2 s for one search.

How it runs, and why:

1. The database is PostgreSQL when DATABASE_URL is set (a fresh database on that server,
   created for the run and dropped at the end, exactly as in bench/intake.py), SQLite in the
   temporary data directory otherwise, and the report then says the figures are for SQLite.
2. The data set is written from this process, through rightsdesk's models and crypto, with the
   same settings and data directory the server uses: migrations, the escrow key, staff created
   with rightsdesk.accounts.services (a coordinator who signs in, a few handlers who are
   assignees), then ``bulk_create`` in batches. The metadata-only cases reuse a few real key
   pairs and wraps: nothing reads them, and a million seals would only slow the build. The
   granted cases are real: one key pair each, the private key sealed to the escrow key and to
   the coordinator (a CaseGrant), and every entry an envelope (``envelope.encrypt_to`` bound
   by ``entry_context``, as ``case_add_entry`` writes it), so the pages decrypt real
   ciphertexts. On PostgreSQL the tables are then analysed, as autovacuum would have done on a
   database that grew to this size. The build time is printed.
3. rightsdesk is then served as in production (``python -m rightsdesk serve``: gunicorn, DEBUG
   off, the task worker), and the coordinator signs in over HTTP with password and TOTP code,
   like a browser. Over HTTP rather than Django's test client because the figures should
   include what a member waits for: the WSGI server, the middleware, the session and keyring
   look-ups, and a database on the other end of a socket.
4. One client sends requests one after another on a keep-alive connection (a member waiting for
   a page, not a load test), after a few unrecorded warm-up requests per page, and records each
   request from sending it to reading the whole answer. It checks that every answer is a 200
   and that the case page shows decrypted text, so a locked or broken page cannot pass for a
   fast one.

This prints figures and never fails on speed: the exit status is non-zero only when the run
cannot be made (the database, the build or the server fails) or is interrupted. Run from the
repository root:

    DATABASE_URL=postgres://... .venv/bin/python bench/cases.py [--cases 100000] [--granted 2000]
    .venv/bin/python bench/cases.py --cases 2000 --granted 100 --requests 50   # a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import logging
import os
import random
import re
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    # Run as bench/cases.py, only bench/ is on the path; the shared helpers live in bench.pages.
    sys.path.insert(0, str(REPO_ROOT))

from bench.intake import Database, chosen_database, server_env  # noqa: E402
from bench.pages import (  # noqa: E402
    HOST,
    BenchError,
    Server,
    free_ports,
    gunicorn_settings,
    interrupt_on_sigterm,
    percentile,
    positive_int,
    running,
    wait_until_ready,
)

if TYPE_CHECKING:
    from rightsdesk.accounts.models import StaffMember
    from rightsdesk.crypto.keys import KeyPair

GOAL_QUEUE_P95_MS = 100.0
GOAL_CASE_P95_MS = 150.0
GOAL_SEARCH_S = 2.0
WARMUP_REQUESTS = 5
# One case page per request, taken in turn from this many granted cases, so that the figures are
# not those of one row that stays in every cache.
CASE_PAGES = 20
# The search is one request that decrypts every granted case; gunicorn's own timeout (60 s) ends
# it first if it takes longer than that.
REQUEST_TIMEOUT_S = 120.0
BATCH = 2000
# Metadata-only cases share these few key pairs and wraps; each granted case has its own.
SHARED_KEYS = 8
HANDLERS = 6
PASSWORD = secrets.token_urlsafe(24)
COORDINATOR = "bench-coordinator"

# A coordinator at the queue: the default view (open cases), then the filters of its form
# (rightsdesk.cases.forms.QueueFilterForm), the whole history, and a page deep into it.
QUEUE_FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"status": "new"},
    {"status": "active", "urgency": "critical"},
    {"status": "all", "category": "doxxing", "language": "fa"},
    {"mine": "on"},
    {"breached": "on"},
    {"status": "all"},
    {"status": "all", "page": "200"},
)

# Mixes of a desk that has worked for years: most cases closed, a few hundred open.
STATUS_MIX = {
    "resolved": 66,
    "rejected": 6,
    "withdrawn": 3,
    "merged": 2,
    "new": 3,
    "triage": 4,
    "active": 9,
    "waiting_reporter": 4,
    "waiting_partner": 3,
}
OPEN_STATUSES = frozenset({"new", "triage", "active", "waiting_reporter", "waiting_partner"})
URGENCY_MIX = {"normal": 76, "high": 19, "critical": 5}
ACKNOWLEDGE_HOURS = {"critical": 1, "high": 4, "normal": 24}
CATEGORY_MIX = {
    "harassment": 38,
    "doxxing": 16,
    "threats": 14,
    "authorities": 8,
    "surveillance": 9,
    "impersonation": 6,
    "other": 9,
}
LANGUAGE_MIX = {"en": 40, "es": 12, "fr": 9, "ar": 11, "fa": 10, "ru": 10, "zh-hans": 8}
REGIONS = ("", "", "", "", "europe", "south-asia", "latin-america", "mena", "east-asia", "africa")
HISTORY_DAYS = 5 * 365
# Entries after the report: what a case's timeline is made of.
ENTRY_MIX = {"note": 45, "team_message": 28, "reporter_message": 27}

# The word searched for: rare, and put into one note in SEARCH_SHARE of the granted cases.
SEARCH_WORD = "kestrel"
SEARCH_SHARE = 0.03
WORD_LIST = (
    "account blocked user page talk edit revert admin wiki article message email phone address "
    "home family work police lawyer threat harassment photo screenshot link diff report "
    "community volunteer project meeting event city country government court letter warning "
    "night morning week month again after before because since until while someone they "
    "posted shared sent wrote called followed asked told said saw found deleted restored "
    "private public real name location school office friend colleague stranger group channel "
    "telegram forum comment reply thread archive evidence safety plan password device laptop "
    "login session security question answer help support partner referral follow-up worried "
    "afraid calm urgent careful quietly publicly several many few other same different new old"
)
WORDS = tuple(WORD_LIST.split())

# Case text the case page must show once decrypted; its absence means the page stayed locked.
MARKER = "timeline marker {reference}"


@dataclass
class BuildTimes:
    """Seconds spent on each part of the data set, printed before any figure."""

    parts: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def timed(self, name: str) -> Iterator[None]:
        print(f"{name} ...", flush=True)
        started = time.perf_counter()
        yield
        self.parts[name] = time.perf_counter() - started

    @property
    def total(self) -> float:
        return sum(self.parts.values())


@dataclass(frozen=True)
class DataSet:
    """What the measurement needs to know about what was built."""

    coordinator: str
    totp_seed: str
    granted_references: tuple[str, ...]
    search_matches: frozenset[str]
    cases: int
    entries: int
    times: BuildTimes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float
    location: str = ""


@dataclass(frozen=True)
class PageResult:
    """One page (or one filter of the queue) requested ``len(seconds)`` times."""

    name: str
    seconds: tuple[float, ...]
    failures: tuple[str, ...]

    def ms(self, percent: float) -> float:
        return percentile(sorted(self.seconds), percent) * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds, default=float("nan")) * 1000


@dataclass(frozen=True)
class SearchResult:
    seconds: float | None
    status: int | None
    found: int
    expected: int
    note: str = ""
    # The first search after the entries were written, which also builds each case's search
    # digest; ``seconds`` is a second search, as every later one is.
    first_seconds: float | None = None


# --- rightsdesk in this process ------------------------------------------------------------


def use_environment(env: dict[str, str]) -> None:
    """Give this process the server's environment, so both share settings, secrets and the
    database; then start Django."""
    for name in list(os.environ):
        if name not in env:
            del os.environ[name]
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rightsdesk.settings"
    os.umask(0o077)

    import django

    from rightsdesk.config import ensure_data_dir

    ensure_data_dir(Path(env["RIGHTSDESK_DATA_DIR"]))
    django.setup()
    # The build creates staff members and cases by the thousand; their log lines say nothing here.
    logging.getLogger("rightsdesk").setLevel(logging.WARNING)


@contextlib.contextmanager
def stored_timestamps(model: Any, *names: str) -> Iterator[None]:
    """Let bulk_create store the timestamps given, instead of ``auto_now``'s "now": a queue
    whose cases were all received in the same second would not be the queue of a real team."""
    fields = [model._meta.get_field(name) for name in names]
    saved = [(each, each.auto_now, each.auto_now_add) for each in fields]
    for each in fields:
        each.auto_now = each.auto_now_add = False
    try:
        yield
    finally:
        for each, auto_now, auto_now_add in saved:
            each.auto_now, each.auto_now_add = auto_now, auto_now_add


def weighted(rng: random.Random, mix: dict[str, int]) -> str:
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def unique_references(count: int) -> list[str]:
    from rightsdesk.cases.services import new_reference

    references: set[str] = set()
    while len(references) < count:
        references.add(new_reference())
    return list(references)


def build(options: argparse.Namespace) -> DataSet:
    """The whole data set, in the order an installation would have grown it."""
    from django.core.management import call_command

    times = BuildTimes()
    rng = random.Random(20240601)  # The same data set on every run.
    with times.timed("migrating"):
        call_command("migrate", verbosity=0)
    with times.timed("creating the escrow key and staff"):
        coordinator, seed, handlers, escrow_public = create_staff()
    references = unique_references(options.cases + options.granted)
    with times.timed(f"writing {options.cases:,} metadata-only cases"):
        write_metadata_cases(rng, references[: options.cases], handlers, escrow_public)
    with times.timed(
        f"writing {options.granted:,} granted cases with {options.entries} encrypted entries each"
    ):
        matches = write_granted_cases(
            rng,
            references[options.cases :],
            options.entries,
            coordinator,
            [coordinator, *handlers],
            escrow_public,
        )
    with times.timed("analysing the tables"):
        analyse()
    return DataSet(
        coordinator=coordinator.username,
        totp_seed=seed,
        granted_references=tuple(references[options.cases :]),
        search_matches=frozenset(matches),
        cases=options.cases + options.granted,
        entries=options.granted * options.entries,
        times=times,
    )


def create_staff() -> tuple[StaffMember, str, list[StaffMember], bytes]:
    """A coordinator set up as one who has signed in before (authenticator confirmed, key pair,
    recovery key confirmed), so signing in lands on the dashboard; handlers to assign cases to."""
    import pyotp

    from rightsdesk.accounts import services, totp
    from rightsdesk.accounts.models import OrganisationEscrow

    services.escrow_initialise(shares=3, threshold=2)
    escrow = OrganisationEscrow.objects.get()
    coordinator, uri = services.staff_member_create(
        username=COORDINATOR, role="coordinator", password=PASSWORD
    )
    seed = pyotp.parse_uri(uri).secret
    # A code from the previous step confirms the authenticator, leaving the current step's code
    # unused for the sign-in.
    services.totp_enrolment_confirm(
        member=coordinator, code=pyotp.TOTP(seed).at(time.time() - totp.PERIOD)
    )
    pair = services.staff_key_open(member=coordinator, password=PASSWORD)
    recovery_key = services.staff_recovery_key_issue(member=coordinator, private_key=pair.private)
    services.staff_recovery_key_confirm(member=coordinator, typed=recovery_key)
    coordinator.refresh_from_db()
    handlers = [
        services.staff_member_create(
            username=f"bench-handler-{number}", role="handler", password=PASSWORD
        )[0]
        for number in range(1, HANDLERS + 1)
    ]
    return coordinator, seed, handlers, bytes(escrow.public_key)


def case_metadata(rng: random.Random, now: datetime) -> dict[str, Any]:
    """Plaintext fields of one case, consistent with each other: open cases are recent, closed
    ones have a first response and a closing time, SLA breaches are rare."""
    status = weighted(rng, STATUS_MIX)
    urgency = weighted(rng, URGENCY_MIX)
    is_open = status in OPEN_STATUSES
    age = timedelta(days=rng.uniform(0, 60 if is_open else HISTORY_DAYS))
    created = now - age
    acknowledge_by = created + timedelta(hours=ACKNOWLEDGE_HOURS[urgency])
    answered = status != "new" and rng.random() < 0.97
    first_response = (
        created + timedelta(hours=rng.uniform(0.1, ACKNOWLEDGE_HOURS[urgency] * 1.3))
        if answered
        else None
    )
    breached = (first_response or now) > acknowledge_by
    closed = None if is_open else min(now, created + timedelta(days=rng.uniform(1, 90)))
    return {
        "status": status,
        "urgency": urgency,
        "category": weighted(rng, CATEGORY_MIX),
        "language": weighted(rng, LANGUAGE_MIX),
        "region": rng.choice(REGIONS),
        "created_at": created,
        "updated_at": closed or min(now, created + timedelta(days=rng.uniform(0, 10))),
        "acknowledge_by": acknowledge_by,
        "first_response_at": first_response,
        "sla_breached_at": acknowledge_by if breached else None,
        "escalation_level": rng.randint(1, 3) if breached and urgency == "critical" else 0,
        "closed_at": closed,
        "due_on": (created + timedelta(days=rng.randint(7, 30))).date() if is_open else None,
        "legal_hold": rng.random() < 0.005,
    }


def shared_wraps(escrow_public: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """A few (public key, escrow wrap, reporter wrap) triples for the metadata-only cases.

    Real blobs of the real sizes, so rows are as wide as production's; the reporter wraps use
    the fast test parameters, since no reporter signs in during this benchmark."""
    from rightsdesk.crypto import keys, passwords, receipts

    triples = []
    for _ in range(SHARED_KEYS):
        pair = keys.generate_keypair()
        wrap = passwords.wrap_with_password(
            pair.private, receipts.new_receipt(), params=passwords.FAST_KDF_FOR_TESTS
        )
        triples.append((pair.public, keys.seal(escrow_public, pair.private), wrap))
    return triples


def write_metadata_cases(
    rng: random.Random,
    references: Sequence[str],
    handlers: Sequence[StaffMember],
    escrow_public: bytes,
) -> None:
    from rightsdesk.cases.models import Case

    now = datetime.now(UTC)
    triples = shared_wraps(escrow_public)
    with stored_timestamps(Case, "created_at", "updated_at"):
        for start in range(0, len(references), BATCH):
            batch = []
            for reference in references[start : start + BATCH]:
                public, escrow_wrap, reporter_wrap = rng.choice(triples)
                metadata = case_metadata(rng, now)
                assigned = metadata["status"] != "new" and rng.random() < 0.9
                batch.append(
                    Case(
                        reference=reference,
                        public_key=public,
                        escrow_wrap=escrow_wrap,
                        reporter_wrap=reporter_wrap,
                        receipt_lookup=secrets.token_hex(32),
                        assignee=rng.choice(handlers) if assigned else None,
                        **metadata,
                    )
                )
            Case.objects.bulk_create(batch)


def entry_content(rng: random.Random, kind: str, number: int, reference: str) -> dict[str, Any]:
    """What the services store for each kind; the report has the intake form's fields."""
    if kind == "report":
        return {
            "danger": False,
            "what_happened": " ".join(sentence(rng, 8, 24) for _ in range(rng.randint(3, 8))),
            "projects": "wikipedia",
            "when": "last week",
            "links": "",
            "others_affected": sentence(rng, 3, 10),
            "contact_method": "none",
            "preferred_language": "en",
            "consent": "ask",
        }
    text = " ".join(sentence(rng, 6, 20) for _ in range(rng.randint(1, 6)))
    if number == 1:
        text = f"{text} {MARKER.format(reference=reference)}."
    return {"text": text}


def write_granted_cases(
    rng: random.Random,
    references: Sequence[str],
    entries: int,
    coordinator: StaffMember,
    authors: Sequence[StaffMember],
    escrow_public: bytes,
) -> list[str]:
    """Cases as case_create and case_add_entry would have written them, in bulk.

    Returns the references of the cases whose timeline contains SEARCH_WORD."""
    from rightsdesk.accounts.models import StaffKey
    from rightsdesk.cases.models import Case, CaseEntry, CaseGrant
    from rightsdesk.crypto import keys

    now = datetime.now(UTC)
    coordinator_public = bytes(StaffKey.objects.get(member=coordinator).public_key)
    reporter_wrap = shared_wraps(escrow_public)[0][2]
    matches = []
    per_batch = max(1, BATCH // max(1, entries))
    with (
        stored_timestamps(Case, "created_at", "updated_at"),
        stored_timestamps(CaseEntry, "created_at"),
    ):
        for start in range(0, len(references), per_batch):
            chunk = references[start : start + per_batch]
            pairs: list[KeyPair] = [keys.generate_keypair() for _ in chunk]
            cases = []
            for reference, pair in zip(chunk, pairs, strict=True):
                metadata = case_metadata(rng, now)
                # The coordinator works these cases, so they are theirs, open or not.
                cases.append(
                    Case(
                        reference=reference,
                        public_key=pair.public,
                        escrow_wrap=keys.seal(escrow_public, pair.private),
                        reporter_wrap=reporter_wrap,
                        receipt_lookup=secrets.token_hex(32),
                        assignee=coordinator,
                        **metadata,
                    )
                )
            Case.objects.bulk_create(cases)
            CaseGrant.objects.bulk_create(
                CaseGrant(
                    case=case,
                    member=coordinator,
                    granted_by=coordinator,
                    sealed_private=keys.seal(coordinator_public, pair.private),
                )
                for case, pair in zip(cases, pairs, strict=True)
            )
            rows = []
            for case, pair in zip(cases, pairs, strict=True):
                searched = rng.random() < SEARCH_SHARE
                if searched:
                    matches.append(case.reference)
                rows.extend(timeline(rng, case, pair, entries, authors, searched))
            CaseEntry.objects.bulk_create(rows)
    return matches


def timeline(
    rng: random.Random,
    case: Any,
    pair: KeyPair,
    entries: int,
    authors: Sequence[StaffMember],
    searched: bool,
) -> list[Any]:
    from rightsdesk.cases.contexts import entry_context
    from rightsdesk.cases.models import CaseEntry
    from rightsdesk.crypto import envelope

    rows = []
    moment = case.created_at
    # Entry 1 carries the marker the case page must show; the searched word goes elsewhere.
    hidden_at = rng.randrange(2, entries) if searched and entries > 2 else -1
    for number in range(entries):
        kind = "report" if number == 0 else weighted(rng, ENTRY_MIX)
        if number == 1:
            kind = "reporter_message"
        content = entry_content(rng, kind, number, case.reference)
        if number == hidden_at:
            kind = "note"
            content = {"text": f"{sentence(rng, 4, 10)} {SEARCH_WORD} {sentence(rng, 4, 10)}"}
        moment += timedelta(minutes=rng.uniform(5, 3 * 24 * 60))
        author = None if kind in {"report", "reporter_message"} else rng.choice(authors)
        entry = CaseEntry(case=case, kind=kind, author=author, created_at=moment)
        plaintext = json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")
        entry.ciphertext = envelope.encrypt_to(
            pair.public, plaintext, context=entry_context(case.reference, str(entry.uuid))
        )
        rows.append(entry)
    return rows


def analyse() -> None:
    """Fresh planner statistics and visibility maps, as autovacuum keeps them on a database that
    grew to this size; without them PostgreSQL plans for the empty tables migrations left (and
    cannot answer from an index alone), and the figures mean nothing."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    connection.close()


def page_paths(data: DataSet) -> tuple[list[tuple[str, str]], list[str], str | None]:
    """The queue paths (one per filter), case page paths and the search path, from URL names."""
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    with translation.override("en"):
        queue = reverse("cases:list")
        queues = [
            (
                "queue " + (" ".join(f"{k}={v}" for k, v in query.items()) or "(no filter)"),
                path_with(queue, query),
            )
            for query in QUEUE_FILTERS
        ]
        details = [
            reverse("cases:detail", kwargs={"reference": reference})
            for reference in data.granted_references[:CASE_PAGES]
        ]
        try:
            search: str | None = path_with(reverse("cases:search"), {"words": SEARCH_WORD})
        except NoReverseMatch:
            search = None
    return queues, details, search


def path_with(path: str, query: dict[str, str]) -> str:
    return f"{path}?{urlencode(query)}" if query else path


# --- a signed-in member over HTTP ----------------------------------------------------------


class Browser:
    """One keep-alive connection with a cookie jar: what a member's browser holds."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        """Timed from sending to the last byte read; a keep-alive connection the server closed
        while idle is reopened once, and that attempt is not counted."""
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=REQUEST_TIMEOUT_S
                )
            headers = {"Host": f"{HOST}:{self.port}", "User-Agent": "rightsdesk-bench"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form).encode("ascii")
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
                continue
            seconds = time.perf_counter() - started
            self.keep(response.msg.get_all("Set-Cookie") or [])
            if response.will_close:
                self.close()
            return Answer(response.status, content, seconds, response.getheader("Location", ""))
        raise AssertionError("unreachable")

    def keep(self, headers: list[str]) -> None:
        for header in headers:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


def sign_in(browser: Browser, data: DataSet) -> None:
    """Password and TOTP code through the sign-in form, as the coordinator would."""
    import pyotp
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        login = reverse("accounts:login")
        dashboard = reverse("accounts:dashboard")
    page = browser.request("GET", login)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or token is None:
        raise BenchError(f"the sign-in page answered {page.status} without a form")
    answer = browser.request(
        "POST",
        login,
        {
            "csrfmiddlewaretoken": token.group(1).decode("ascii"),
            "username": data.coordinator,
            "password": PASSWORD,
            "code": pyotp.TOTP(data.totp_seed).now(),
        },
    )
    if answer.status != 302 or answer.location != dashboard:
        text = answer.body[:300].decode("utf-8", errors="replace")
        raise BenchError(
            f"signing in answered {answer.status} to {answer.location or '-'}, "
            f"not a redirect to {dashboard}: {text}"
        )


# --- measurement ---------------------------------------------------------------------------


def measure_page(
    browser: Browser,
    name: str,
    paths: Sequence[str],
    requests: int,
    expect: dict[str, bytes] | None = None,
) -> PageResult:
    """``requests`` requests taking ``paths`` in turn, after a few unrecorded ones."""
    print(f"requesting {name} ...", flush=True)
    for number in range(WARMUP_REQUESTS):
        browser.request("GET", paths[number % len(paths)])
    seconds = []
    failures = []
    for number in range(requests):
        path = paths[number % len(paths)]
        answer = browser.request("GET", path)
        seconds.append(answer.seconds)
        if answer.status != 200:
            failures.append(f"HTTP {answer.status}")
        elif expect is not None and expect[path] not in answer.body:
            failures.append("no decrypted text on the page")
    return PageResult(name, tuple(seconds), tuple(failures))


def measure_search(browser: Browser, path: str | None, data: DataSet) -> SearchResult:
    """Two searches, each timed once. The first decrypts every entry of every granted case and
    stores each case's encrypted search digest; the second, like every later one, opens one
    digest per case and decrypts only entries written since."""
    expected = len(data.search_matches)
    if path is None:
        return SearchResult(None, None, 0, expected, "cases:search is not in the URL configuration")
    print(f"searching for {SEARCH_WORD!r} (first search, builds the digests) ...", flush=True)
    try:
        first = browser.request("GET", path)
        print(f"searching for {SEARCH_WORD!r} again ...", flush=True)
        answer = browser.request("GET", path)
    except TimeoutError:
        return SearchResult(None, None, 0, expected, f"no answer within {REQUEST_TIMEOUT_S:.0f} s")
    found = sum(1 for reference in data.search_matches if reference.encode() in answer.body)
    return SearchResult(answer.seconds, answer.status, found, expected, "", first.seconds)


# --- report --------------------------------------------------------------------------------


def describe_run(options: argparse.Namespace, database: Database, data: DataSet) -> None:
    gunicorn = gunicorn_settings()
    print()
    print(f"database: {database.description}")
    if database.url is None:
        print(
            "  these figures are for SQLite, not PostgreSQL: set DATABASE_URL to a PostgreSQL "
            "server to measure the production set-up"
        )
    print(
        f"data set: {data.cases:,} cases ({options.cases:,} metadata only, {options.granted:,} "
        f"granted to {data.coordinator} with {options.entries} encrypted entries each: "
        f"{data.entries:,} entries)"
    )
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in data.times.parts.items())
    print(f"build: {data.times.total:.1f} s ({parts})")
    print(
        f"gunicorn: {gunicorn.worker_class}, {gunicorn.workers} workers x {gunicorn.threads} "
        f"threads; one client, requests one after another on a keep-alive connection, "
        f"{WARMUP_REQUESTS} unrecorded requests before each page"
    )
    print(f"{os.cpu_count()} CPUs shared by the server, the database and the client")
    print(f"1-minute load average before measuring: {os.getloadavg()[0]:.2f}")


def print_table(queue: list[PageResult], case: PageResult, search: SearchResult) -> None:
    print()
    header = f"{'page':<48} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  goal"
    print(header)
    print("-" * len(header))
    for result in queue:
        row(result, f"p95 < {GOAL_QUEUE_P95_MS:.0f} ms")
    row(case, f"p95 < {GOAL_CASE_P95_MS:.0f} ms")
    if search.seconds is None:
        print(f"{'search':<48} {'-':>8}  not measured: {search.note}")
    else:
        if search.first_seconds is not None:
            first_ms = search.first_seconds * 1000
            print(
                f"{'search (first, builds the digests)':<48} {1:>8} {first_ms:>8.0f} "
                f"{first_ms:>8.0f} {first_ms:>8.0f}  once per new entry"
            )
        ms = search.seconds * 1000
        print(
            f"{'search: ' + SEARCH_WORD:<48} {1:>8} {ms:>8.0f} {ms:>8.0f} {ms:>8.0f}  "
            f"< {GOAL_SEARCH_S:.0f} s"
        )
    for result in [*queue, case]:
        if result.failures:
            kinds = ", ".join(
                f"{result.failures.count(k)} x {k}" for k in sorted(set(result.failures))
            )
            print(f"  {result.name}: {len(result.failures)} failed requests ({kinds})")


def row(result: PageResult, goal: str) -> None:
    print(
        f"{result.name[:48]:<48} {len(result.seconds):>8} {result.ms(50):>8.1f} "
        f"{result.ms(95):>8.1f} {result.max_ms:>8.1f}  {goal}"
    )


def print_goals(queue: list[PageResult], case: PageResult, search: SearchResult) -> None:
    """The goals as figures: a report for people to read, never a pass/fail exit status."""
    print()
    worst = max(queue, key=lambda result: result.ms(95))
    verdicts = [
        verdict(
            f"queue p95 < {GOAL_QUEUE_P95_MS:.0f} ms (slowest filter: {worst.name})",
            worst.ms(95) < GOAL_QUEUE_P95_MS and not any(r.failures for r in queue),
            f"{worst.ms(95):.1f} ms",
        ),
        verdict(
            f"case page p95 < {GOAL_CASE_P95_MS:.0f} ms",
            case.ms(95) < GOAL_CASE_P95_MS and not case.failures,
            f"{case.ms(95):.1f} ms",
        ),
    ]
    if search.seconds is None:
        verdicts.append(f"  search < {GOAL_SEARCH_S:.0f} s: not assessed ({search.note})")
    elif search.expected and not search.found:
        # A search that lists none of the cases known to match did not search; its speed
        # says nothing.
        verdicts.append(
            f"  search < {GOAL_SEARCH_S:.0f} s: not assessed ({search.seconds:.2f} s, HTTP "
            f"{search.status}, but none of the matching cases is listed)"
        )
    else:
        verdicts.append(
            verdict(
                f"search < {GOAL_SEARCH_S:.0f} s",
                search.seconds < GOAL_SEARCH_S and search.status == 200,
                f"{search.seconds:.2f} s, HTTP {search.status}",
            )
        )
        verdicts.append(
            f"  search found {search.found} of the {search.expected} cases whose timeline "
            f"contains {SEARCH_WORD!r} on its first page of results"
        )
    print("goals:")
    print("\n".join(verdicts))
    failed = [r.name for r in [*queue, case] if r.failures]
    if failed:
        print("  requests failed (see above): a failed request does not count as meeting a goal")


def verdict(goal: str, met: bool, figure: str) -> str:
    return f"  {goal}: {figure}, {'met' if met else 'NOT met'}"


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/cases.py",
        description=(
            "Build a case data set (metadata-only cases plus granted cases with encrypted "
            "timelines), serve rightsdesk as in production, sign in as a coordinator and print "
            "p50/p95/max latency of the queue page and the case page and the time of one search, "
            "beside the goals. Uses PostgreSQL (a fresh database, dropped at the end) when "
            "DATABASE_URL is set, SQLite otherwise. Prints figures only; it never fails on speed."
        ),
    )
    parser.add_argument(
        "--cases",
        type=non_negative,
        default=100_000,
        help="cases with plaintext metadata only (default: 100000)",
    )
    parser.add_argument(
        "--granted",
        type=positive_int,
        default=2000,
        help="cases granted to the coordinator, with encrypted timelines (default: 2000)",
    )
    parser.add_argument(
        "--entries",
        type=positive_int,
        default=50,
        help="timeline entries in each granted case, the report included (default: 50)",
    )
    parser.add_argument(
        "--requests",
        type=positive_int,
        default=200,
        help="measured requests per queue filter and for the case page (default: 200)",
    )
    return parser.parse_args(argv)


def non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more (got {text})")
    return value


def measure(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="rightsdesk-bench-") as temp:
        workdir = Path(temp)
        data_dir = workdir / "data"
        with chosen_database(data_dir) as database:
            env = server_env(data_dir, database)
            use_environment(env)
            data = build(options)
            queues, details, search_path = page_paths(data)
            (port,) = free_ports(1)
            argv = [
                sys.executable,
                "-m",
                "rightsdesk",
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
            ]
            server = Server("rightsdesk", argv, env, workdir / "rightsdesk.log")
            with running(server):
                wait_until_ready(server, port, "/healthz")
                describe_run(options, database, data)
                browser = Browser(port)
                try:
                    sign_in(browser, data)
                    queue = [
                        measure_page(browser, name, [path], options.requests)
                        for name, path in queues
                    ]
                    markers = {
                        path: MARKER.format(reference=reference).encode()
                        for path, reference in zip(details, data.granted_references, strict=False)
                    }
                    case = measure_page(
                        browser,
                        "case page (entries decrypted)",
                        details,
                        options.requests,
                        expect=markers,
                    )
                    search = measure_search(browser, search_path, data)
                finally:
                    browser.close()
            from django.db import connections

            connections.close_all()
            print_table(queue, case, search)
            print_goals(queue, case, search)


def main(argv: list[str] | None = None) -> int:
    """Exit 0 whatever the figures say; 1 only when the run could not be made, 130 when stopped."""
    options = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt_on_sigterm)
    try:
        measure(options)
    except BenchError as error:
        sys.stderr.write(f"bench/cases.py: {error}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(
            "bench/cases.py: interrupted; the server was stopped and its data removed\n"
        )
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
