"""Search over the decrypted content of the cases granted to a member."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.cases import search, services
from rightsdesk.cases.contexts import entry_context
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant, Category, EntryKind, Status
from rightsdesk.cases.retention import case_shred
from rightsdesk.crypto import envelope, keys
from tests.conftest import sign_in
from tests.factories import StaffLogin, make_staff

CANARY = "canary-search-words-6d1f"


@pytest.fixture
def coordinator(db) -> StaffLogin:
    account_services.escrow_initialise(shares=3, threshold=2)
    return make_staff(Role.COORDINATOR)


def private_of(login: StaffLogin) -> bytes:
    return account_services.staff_key_open(member=login.member, password=login.password).private


def new_case(text: str, *, category: str = Category.HARASSMENT, language: str = "en") -> Case:
    return services.case_create(
        category=category,
        urgency="normal",
        language=language,
        report={"what_happened": text, "danger": False},
    ).case


def run(login: StaffLogin, words: str, **filters) -> search.SearchResult:
    return search.case_search(
        actor=login.member,
        actor_private=private_of(login),
        query=search.SearchQuery(words=words, **filters),
    )


def references(result: search.SearchResult) -> list[str]:
    return [hit.case.reference for hit in result.hits]


def bulk_cases(member: StaffMember, *, cases: int, entries: int, text: str) -> list[Case]:
    """Many granted cases with many entries, written straight to the tables (fast)."""
    member_public = bytes(member.key.public_key)
    created = []
    grants = []
    rows = []
    for number in range(cases):
        pair = keys.generate_keypair()
        case = Case.objects.create(
            reference=f"RD-B{number:03d}-{uuid.uuid4().hex[:4].upper()}",
            category=Category.OTHER,
            language="en",
            public_key=pair.public,
            escrow_wrap=b"",
        )
        created.append(case)
        grants.append(
            CaseGrant(
                case=case, member=member, sealed_private=keys.seal(member_public, pair.private)
            )
        )
        for entry_number in range(entries):
            entry_uuid = uuid.uuid4()
            content = {"text": f"{text} entry {entry_number} of {case.reference}"}
            rows.append(
                CaseEntry(
                    uuid=entry_uuid,
                    case=case,
                    kind=EntryKind.NOTE,
                    ciphertext=envelope.encrypt_to(
                        pair.public,
                        json.dumps(content).encode(),
                        context=entry_context(case.reference, str(entry_uuid)),
                    ),
                )
            )
    CaseGrant.objects.bulk_create(grants)
    CaseEntry.objects.bulk_create(rows, batch_size=2000)
    return created


def test_fold_matches_case_and_script_variants():
    assert search.fold("STRASSE") == search.fold("straße")
    # Arabic yeh and kaf typed on an Arabic keyboard find the Persian letters, and back.
    assert search.fold("\u064a\u0643") == search.fold("\u06cc\u06a9")
    # Vowel marks, tatweel and the zero-width non-joiner do not stand in the way.
    assert search.fold("مُحَمَّد") == search.fold("محمد")
    assert search.fold("می\u200cخواهم") == search.fold("میخواهم")
    # Full-width Latin letters and digits are the ordinary ones.
    assert search.fold("ＲＤ１２") == "rd12"


def test_words_in_any_script_find_their_case(coordinator):
    persian = new_case("تهدید به افشای هویت در ویکی\u200cپدیا")
    chinese = new_case("有人在维基百科上威胁要公开我的地址")
    english = new_case(f"Someone THREATENED me. {CANARY}")
    assert references(run(coordinator, "ويكيپديا")) == [persian.reference]
    assert references(run(coordinator, "公开我")) == [chinese.reference]
    assert references(run(coordinator, "threatened canary-SEARCH")) == [english.reference]
    assert references(run(coordinator, "threatened absent-word")) == []


def test_every_word_must_appear_somewhere_in_the_case(coordinator):
    case = new_case("first word alpha")
    services.case_team_reply(case=case, author=coordinator.member, text="second word beta")
    assert references(run(coordinator, "alpha beta")) == [case.reference]


def test_a_hit_comes_with_a_snippet_around_the_match(coordinator):
    long_text = "x " * 100 + "the Needle is here" + " y" * 100
    new_case(long_text)
    [hit] = run(coordinator, "needle").hits
    assert hit.snippet.match == "Needle"
    assert hit.snippet.before.endswith("the ")
    assert hit.snippet.before.startswith("…")
    assert hit.snippet.after.startswith(" is here")
    assert hit.snippet.after.endswith("…")


def test_metadata_filters_narrow_the_cases_decrypted(coordinator):
    threats = new_case(CANARY, category=Category.THREATS, language="fa")
    doxxing = new_case(CANARY, category=Category.DOXXING, language="en")
    Case.objects.filter(pk=doxxing.pk).update(status=Status.ACTIVE)
    assert references(run(coordinator, CANARY, category=Category.THREATS)) == [threats.reference]
    assert references(run(coordinator, CANARY, language="en")) == [doxxing.reference]
    assert references(run(coordinator, CANARY, status=Status.ACTIVE)) == [doxxing.reference]
    today = timezone.now().date()
    assert len(run(coordinator, CANARY, created_from=today, created_to=today).hits) == 2
    result = run(coordinator, CANARY, created_to=today - timedelta(days=1))
    assert result.hits == []
    assert result.searched == 0


def test_only_granted_cases_are_searched(coordinator):
    new_case(CANARY)
    latecomer = make_staff(Role.COORDINATOR)  # sees the queue, holds no key
    result = run(latecomer, CANARY)
    assert result.hits == []
    assert result.searched == 0


def test_a_grant_waiting_for_recovery_is_counted_not_searched(coordinator):
    case = new_case(CANARY)
    CaseGrant.objects.filter(case=case).update(needs_recovery=True)
    result = run(coordinator, CANARY)
    assert result.hits == []
    assert result.unreadable == 1


def test_the_audit_entry_counts_cases_and_never_names_the_words(coordinator):
    new_case(CANARY)
    new_case("something else")
    run(coordinator, CANARY)
    entry = AuditEntry.objects.get(action=Action.SEARCH)
    assert entry.detail == {"cases": 2}
    assert entry.actor == coordinator.member.username
    assert CANARY not in json.dumps(entry.detail)


def test_an_empty_query_is_refused(coordinator):
    with pytest.raises(search.NothingToSearchFor):
        run(coordinator, "   ")
    assert not AuditEntry.objects.filter(action=Action.SEARCH).exists()


def test_many_cases_are_searched_in_batches(coordinator):
    # More cases than one batch, so that batching loses and repeats nothing (speed: bench/cases.py).
    bulk_cases(coordinator.member, cases=search.BATCH + 20, entries=10, text="ordinary words")
    result = run(coordinator, "nowhere-to-be-found")
    assert result.searched == search.BATCH + 20
    assert result.hits == []
    hit = run(coordinator, "entry 7 of RD-B042-")
    assert len(hit.hits) == 1


def test_the_search_page(client: Client, coordinator):
    case = new_case(f"<b>{CANARY}</b>")
    sign_in(client, coordinator)
    page = client.get("/en/staff/cases/search/")
    assert page.status_code == 200
    assert "Type at least one word" not in page.content.decode()
    found = client.get("/en/staff/cases/search/", {"words": CANARY}).content.decode()
    assert case.reference in found
    assert f"&lt;b&gt;<mark>{CANARY}</mark>&lt;/b&gt;" in found
    assert "Cache-Control" in client.get("/en/staff/cases/search/", {"words": CANARY}).headers


def test_an_empty_search_says_so_and_keeps_the_filters(client: Client, coordinator):
    sign_in(client, coordinator)
    page = client.get(
        "/en/staff/cases/search/", {"words": "  ", "category": "threats", "language": "fa"}
    ).content.decode()
    assert "Type at least one word to search for." in page
    assert '<option value="threats" selected>' in page
    assert '<option value="fa" selected>' in page
    assert not AuditEntry.objects.filter(action=Action.SEARCH).exists()


def test_a_reversed_date_range_is_refused(client: Client, coordinator):
    sign_in(client, coordinator)
    page = client.get(
        "/en/staff/cases/search/",
        {"words": CANARY, "created_from": "2026-02-01", "created_to": "2026-01-01"},
    ).content.decode()
    assert "This date is before the first one." in page
    assert 'value="2026-02-01"' in page
    assert CANARY in page


def test_search_results_in_a_right_to_left_language(client: Client, coordinator):
    case = new_case("تهدید")
    sign_in(client, coordinator)
    page = client.get("/fa/staff/cases/search/", {"words": "تهدید"}).content.decode()
    assert 'dir="rtl"' in page
    assert case.reference in page


def test_dates_are_compared_by_day(coordinator):
    case = new_case(CANARY)
    day = case.created_at.date()
    assert run(coordinator, CANARY, created_from=day, created_to=day).hits
    assert not run(coordinator, CANARY, created_from=day + timedelta(days=1)).hits
    assert isinstance(day, date)


def digest_of(case: Case) -> bytes:
    assert case.search_digest is not None
    return bytes(case.search_digest)


def test_a_search_leaves_an_encrypted_digest_that_later_searches_read(coordinator):
    case = new_case(f"first words {CANARY}")
    assert references(run(coordinator, CANARY)) == [case.reference]
    case.refresh_from_db()
    digest = digest_of(case)
    assert digest
    assert CANARY.encode() not in digest
    # A later search reads the digest: with the entry's own ciphertext gone, it still matches.
    CaseEntry.objects.filter(case=case).update(ciphertext=b"")
    assert references(run(coordinator, CANARY)) == [case.reference]


def test_entries_added_after_the_digest_are_found_and_folded_in(coordinator):
    case = new_case("an older report")
    run(coordinator, "older")
    case.refresh_from_db()
    before = digest_of(case)
    services.case_add_entry(case=case, kind=EntryKind.REPORTER_MESSAGE, content={"text": "fresh"})
    assert references(run(coordinator, "fresh older")) == [case.reference]
    case.refresh_from_db()
    assert digest_of(case) != before


def test_a_damaged_digest_is_ignored_and_rebuilt(coordinator):
    case = new_case(f"words {CANARY}")
    Case.objects.filter(pk=case.pk).update(search_digest=b"\x01" + b"\x00" * 60)
    assert references(run(coordinator, CANARY)) == [case.reference]
    case.refresh_from_db()
    CaseEntry.objects.filter(case=case).update(ciphertext=b"")
    assert references(run(coordinator, CANARY)) == [case.reference]


def test_a_digest_copied_onto_another_case_does_not_open_there(coordinator):
    first = new_case(f"words {CANARY}")
    second = new_case("nothing to see")
    run(coordinator, CANARY)
    first.refresh_from_db()
    Case.objects.filter(pk=second.pk).update(search_digest=digest_of(first))
    assert references(run(coordinator, CANARY)) == [first.reference]


def test_shredding_a_case_deletes_its_digest(coordinator):
    case = new_case(f"words {CANARY}")
    run(coordinator, CANARY)
    case_shred(case=case, at=timezone.now())
    case.refresh_from_db()
    assert case.search_digest is None
