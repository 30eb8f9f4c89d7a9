"""Searching the content of the cases granted to a member.

The database holds no plaintext index. Each case keeps a *search digest*: the text of its entries,
encrypted under a key derived from the case private key (so exactly the key holders can read it).
A search unseals each granted case's key once, opens its digest, decrypts only the entries the
digest does not hold yet, and stores the refreshed digest; the plaintext lives in memory for this
request only. Without digests every entry would cost one X25519 operation; with them a case costs
one, however long its timeline.

Matching is by substring after folding both sides the same way (compatibility normalisation,
case folding, and the variants Persian and Arabic keyboards produce), so it works for scripts
written without spaces (Chinese, Japanese) as well as for Persian and Arabic. Every word must
appear somewhere in a case, not necessarily in the same entry.

Cases are spread over a few threads, which libsodium runs in parallel because PyNaCl releases
the GIL.
"""

from __future__ import annotations

import itertools
import json
import os
import unicodedata
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from rightsdesk.accounts.models import StaffMember
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.cases.contexts import entry_context
from rightsdesk.cases.models import Case, CaseEntry, CaseGrant
from rightsdesk.crypto import envelope, keys, server_secrets
from rightsdesk.crypto.errors import DecryptionFailed

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
SNIPPET_CONTEXT = 60
# Cases read at a time: enough to keep the threads busy, few enough that only a small part of
# the digests and ciphertexts is in memory at once.
BATCH = 200
DIGEST_PURPOSE = b"rd-case-search"

_ZERO_WIDTH = {0x200C: None, 0x200D: None, 0x0640: None}  # ZWNJ, ZWJ, tatweel
_ARABIC_MARKS = dict.fromkeys([*range(0x064B, 0x0660), 0x0670])  # harakat, superscript alef
_VARIANTS = {
    0x064A: "\u06cc",  # Arabic yeh → Persian yeh
    0x0649: "\u06cc",  # alef maksura → Persian yeh
    0x0643: "\u06a9",  # Arabic kaf → Persian keheh
    0x0623: "\u0627",  # alef with hamza above → alef
    0x0625: "\u0627",  # alef with hamza below → alef
    0x0622: "\u0627",  # alef with madda → alef
}
_FOLD_TABLE: dict[int, str | None] = {**_ZERO_WIDTH, **_ARABIC_MARKS, **_VARIANTS}


class NothingToSearchFor(Exception):
    """No word was given (or only spaces)."""


@dataclass(frozen=True)
class SearchQuery:
    words: str
    status: str = ""
    urgency: str = ""
    category: str = ""
    language: str = ""
    created_from: date | None = None
    created_to: date | None = None


@dataclass(frozen=True)
class Snippet:
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class SearchHit:
    case: Case
    snippet: Snippet


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    searched: int
    # Granted cases whose key could not be opened (a grant waiting for key recovery).
    unreadable: int


def fold(text: str) -> str:
    """The form in which text is compared: NFKC, case-folded, Persian and Arabic variants
    merged, vowel marks and joiners dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded if folded.isascii() else folded.translate(_FOLD_TABLE)


def search_terms(words: str) -> list[str]:
    """The folded words of a query, each needed; duplicates and empty words dropped."""
    terms = [fold(word) for word in words.split()]
    unique = list(dict.fromkeys(term for term in terms if term))
    if not unique:
        raise NothingToSearchFor
    return unique[:MAX_WORDS]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _snippet(text: str, term: str) -> Snippet:
    """The words around the first place ``term`` occurs in ``text``. Positions are found by
    folding one character at a time, which is exact but for the rare characters that NFKC
    composes with a neighbour; the snippet is then off by a character or two."""
    folded_start = fold(text).find(term)
    folded_end = folded_start + len(term)
    start = end = len(text)
    position = 0
    for index, character in enumerate(text):
        if position >= folded_start and start == len(text):
            start = index
        if position >= folded_end:
            end = index
            break
        position += len(fold(character))
    before = text[max(0, start - SNIPPET_CONTEXT) : start]
    after = text[end : end + SNIPPET_CONTEXT]
    return Snippet(
        before=("…" if start > SNIPPET_CONTEXT else "") + before,
        match=text[start:end],
        after=after + ("…" if end + SNIPPET_CONTEXT < len(text) else ""),
    )


@dataclass
class _CaseWork:
    case: Case
    sealed_private: bytes
    # The case's entries in timeline order: (id, uuid).
    entries: list[tuple[int, str]]
    digest: bytes | None
    case_pair: keys.KeyPair | None = None
    texts: dict[int, str] = dc_field(default_factory=dict)
    missing: list[tuple[int, str]] = dc_field(default_factory=list)
    refreshed: bytes | None = None


def _digest_key(case_pair: keys.KeyPair) -> bytes:
    return keys.derive_key(case_pair.private, purpose=DIGEST_PURPOSE)


def _digest_context(reference: str) -> bytes:
    return f"case:{reference}:search-digest".encode()


def _open(work: _CaseWork, member_pair: keys.KeyPair) -> DecryptionFailed | None:
    """Unseal the case key and open the search digest; note the entries it lacks. Runs in a
    thread. A digest that does not open is ignored: its entries are decrypted again."""
    try:
        work.case_pair = keys.keypair_from_private(keys.unseal(member_pair, work.sealed_private))
    except (DecryptionFailed, ValueError) as error:
        return DecryptionFailed(str(error))
    if work.digest:
        try:
            plaintext = server_secrets.decrypt(
                _digest_key(work.case_pair),
                work.digest,
                context=_digest_context(work.case.reference),
            )
            work.texts = {int(key): text for key, text in json.loads(plaintext).items()}
        except DecryptionFailed:
            work.texts = {}
    work.missing = [
        (entry_id, uuid) for entry_id, uuid in work.entries if entry_id not in work.texts
    ]
    return None


def _complete(work: _CaseWork, ciphertexts: dict[int, bytes]) -> None:
    """Decrypt the entries the digest lacked and seal the refreshed digest. Runs in a thread."""
    pair = work.case_pair
    if pair is None:
        return
    reference = work.case.reference
    for entry_id, entry_uuid in work.missing:
        blob = ciphertexts.get(entry_id)
        if blob is None:  # gone since the entry list was read
            continue
        plaintext = envelope.decrypt_with(pair, blob, context=entry_context(reference, entry_uuid))
        work.texts[entry_id] = "\n".join(_strings(json.loads(plaintext)))
    present = {entry_id for entry_id, _uuid in work.entries}
    stale = len(work.texts) != len(present & set(work.texts))
    work.texts = {key: text for key, text in work.texts.items() if key in present}
    if work.missing or stale:
        digest = json.dumps(work.texts, ensure_ascii=False).encode("utf-8")
        work.refreshed = server_secrets.encrypt(
            _digest_key(pair), digest, context=_digest_context(reference)
        )


def _matches(work: _CaseWork, terms: list[str]) -> Snippet | None:
    """Whether every term occurs in the case, with a snippet around the first term found."""
    missing = set(terms)
    snippet: Snippet | None = None
    for entry_id, _uuid in work.entries:
        text = work.texts.get(entry_id, "")
        folded = fold(text)
        found = {term for term in missing if term in folded}
        if found:
            if snippet is None:
                first = next(term for term in terms if term in found)
                snippet = _snippet(text.replace("\n", " "), first)
            missing -= found
            if not missing:
                return snippet
    return None


def _granted(actor: StaffMember, query: SearchQuery) -> QuerySet[CaseGrant]:
    filters: dict[str, object] = {}
    for field in ("status", "urgency", "category", "language"):
        value = getattr(query, field)
        if value:
            filters[f"case__{field}"] = value
    if query.created_from:
        filters["case__created_at__date__gte"] = query.created_from
    if query.created_to:
        filters["case__created_at__date__lte"] = query.created_to
    return (
        CaseGrant.objects.filter(member=actor, member__is_active=True, **filters)
        .select_related("case")
        .defer("case__search_digest")
        .order_by("-case__created_at", "case_id")
    )


def _batches(grants: list[CaseGrant]) -> Iterator[list[_CaseWork]]:
    """The granted cases a batch at a time, each with its entry list and search digest; only a
    batch's digests are in memory at once."""
    for start in range(0, len(grants), BATCH):
        batch = grants[start : start + BATCH]
        case_ids = [grant.case_id for grant in batch]
        digests: dict[int, Any] = dict(
            Case.objects.filter(pk__in=case_ids).values_list("pk", "search_digest")
        )
        entries: dict[int, list[tuple[int, str]]] = {case_id: [] for case_id in case_ids}
        rows: Iterable[tuple[int, int, Any]] = (
            CaseEntry.objects.filter(case_id__in=case_ids)
            .order_by("case_id", "created_at", "id")
            .values_list("case_id", "id", "uuid")
        )
        for case_id, entry_id, entry_uuid in rows:
            entries[case_id].append((entry_id, str(entry_uuid)))
        yield [
            _CaseWork(
                case=grant.case,
                sealed_private=bytes(grant.sealed_private),
                entries=entries[grant.case_id],
                digest=bytes(digests[grant.case_id]) if digests.get(grant.case_id) else None,
            )
            for grant in batch
        ]


def _ciphertexts(entry_ids: list[int]) -> dict[int, bytes]:
    rows: Iterable[tuple[int, Any]] = CaseEntry.objects.filter(pk__in=entry_ids).values_list(
        "id", "ciphertext"
    )
    return {entry_id: bytes(blob) for entry_id, blob in rows}


def _store_digests(works: list[_CaseWork]) -> None:
    """Save refreshed digests. A shredded case (its key wraps gone) keeps none."""
    for work in works:
        if work.refreshed is not None:
            Case.objects.filter(pk=work.case.pk, purged_at__isnull=True).update(
                search_digest=work.refreshed
            )


def case_search(*, actor: StaffMember, actor_private: bytes, query: SearchQuery) -> SearchResult:
    """Search the content of the cases granted to ``actor`` that pass the metadata filters.

    Returns the matching cases, newest first, each with a snippet. The audit entry records how
    many cases were searched, never the words. Raises ``NothingToSearchFor``.
    """
    terms = search_terms(query.words[:MAX_QUERY_LENGTH])
    member_pair = keys.keypair_from_private(actor_private)
    granted = list(_granted(actor, query))
    grants = [grant for grant in granted if not grant.needs_recovery]
    order = {grant.case_id: position for position, grant in enumerate(grants)}
    threads = max(1, min(8, os.cpu_count() or 1))
    matches: list[tuple[int, SearchHit]] = []
    unreadable = len(granted) - len(grants)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="case-search") as pool:
        for batch in _batches(grants):
            outcomes = list(pool.map(lambda work: _open(work, member_pair), batch))
            readable = [work for work, failed in zip(batch, outcomes, strict=True) if not failed]
            unreadable += len(batch) - len(readable)
            lacking = [entry_id for work in readable for entry_id, _uuid in work.missing]
            ciphertexts = _ciphertexts(lacking)
            list(pool.map(_complete, readable, itertools.repeat(ciphertexts)))
            _store_digests(readable)
            for work in readable:
                snippet = _matches(work, terms)
                if snippet is not None:
                    hit = SearchHit(case=work.case, snippet=snippet)
                    matches.append((order[work.case.pk], hit))
    audit_record(action=Action.SEARCH, actor=actor, detail={"cases": len(grants)})
    return SearchResult(
        hits=[hit for _position, hit in sorted(matches, key=lambda item: item[0])],
        searched=len(grants),
        unreadable=unreadable,
    )
