"""Sending is exactly-once, even across crashes and double clicks."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from rightsdesk.cases.models import Case
from rightsdesk.cases.selectors import case_exists_for_receipt
from rightsdesk.crypto import receipts
from rightsdesk.intake import drafts, services


def complete_draft() -> drafts.DraftHandle:
    handle = drafts.draft_create()
    drafts.draft_save(
        handle,
        {
            "state": "editing",
            "done": ["danger", "scope", "what", "contact"],
            "answers": {
                "danger": False,
                "scope": "threat",
                "category": "other",
                "what_happened": "Something happened.",
                "contact_method": "none",
                "preferred_language": "en",
                "consent": "ask",
            },
        },
    )
    return handle


def test_sending_twice_returns_the_same_receipt_and_one_case(escrow):
    handle = complete_draft()
    first = services.report_submit(handle=handle)
    second = services.report_submit(handle=handle)
    assert first == second
    assert Case.objects.count() == 1


def test_a_crash_after_the_case_was_created_is_finished_on_retry(escrow):
    handle = complete_draft()
    receipt = services.report_submit(handle=handle)
    # As if the process died after the case committed but before the draft said "sent".
    draft = drafts.draft_load(handle)
    assert draft is not None
    draft["state"] = "sending"
    drafts.draft_save(handle, draft)
    assert services.report_submit(handle=handle) == receipt
    assert Case.objects.count() == 1


def test_a_crash_before_the_case_was_created_creates_it_with_the_saved_receipt(escrow):
    handle = complete_draft()
    draft = drafts.draft_load(handle)
    assert draft is not None
    chosen = receipts.new_receipt()
    draft.update(state="sending", receipt=chosen)
    drafts.draft_save(handle, draft)
    assert services.report_submit(handle=handle) == chosen
    assert case_exists_for_receipt(chosen)


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_make_one_case(escrow):
    handle = complete_draft()

    def send(_index: int) -> str:
        try:
            return services.report_submit(handle=handle)
        finally:
            # Each thread has its own database connection; leave none open behind.
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(send, range(2)))
    assert results[0] == results[1]
    assert Case.objects.count() == 1


def test_missing_or_incomplete_drafts_are_refused(escrow):
    with pytest.raises(services.DraftMissing):
        services.report_submit(handle=drafts.DraftHandle("0" * 32, b"k" * 32))
    handle = drafts.draft_create()
    with pytest.raises(services.DraftIncomplete):
        services.report_submit(handle=handle)


def test_drafts_expire_and_are_purged(settings, db):
    handle = drafts.draft_create()
    settings.REPORT_DRAFT_SECONDS = -1
    assert drafts.draft_load(handle) is None
    drafts.draft_create()
    assert drafts.drafts_purge_expired() >= 1


@pytest.mark.parametrize(
    "cookie", [None, "", "nodot", "../../etc.passwd", "0" * 32 + ".!!!", "0" * 32 + ".AAAA"]
)
def test_bad_cookies_are_ignored(cookie):
    assert drafts.handle_from_cookie(cookie) is None
