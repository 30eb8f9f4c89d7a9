"""Sending a report: the one place where a draft becomes a case."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError

from rightsdesk.cases import selectors as case_selectors
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Urgency
from rightsdesk.crypto import keys, receipts
from rightsdesk.intake import drafts, evidence

log = logging.getLogger("rightsdesk.intake")

# The steps a draft must have passed before it can be sent.
REQUIRED_STEPS = ("danger", "what", "contact")
REPORT_FIELDS = (
    "danger",
    "category",
    "what_happened",
    "projects",
    "when",
    "links",
    "others_affected",
    "contact_method",
    "contact_value",
    "preferred_language",
    "consent",
    "consent_purposes",
)


class DraftMissing(Exception):
    """No draft behind this cookie: never started, expired, or already sent and shown."""


class DraftIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def missing_steps(draft: dict[str, Any]) -> list[str]:
    done = draft.get("done", [])
    missing = [step for step in REQUIRED_STEPS if step not in done]
    if not draft.get("answers", {}).get("danger") and "scope" not in done:
        missing.insert(1, "scope")
    return missing


def report_submit(*, handle: drafts.DraftHandle) -> str:
    """Turn the draft into a case exactly once and return its receipt.

    The receipt is chosen and saved in the draft before the case is created, so a crash at any
    point leaves either no case (and sending again creates it with the same receipt) or the
    whole case (and sending again finds it). Two sends at once are serialised by a lock.
    """
    with drafts.draft_lock(handle):
        draft = drafts.draft_load(handle)
        if draft is None:
            raise DraftMissing
        if draft.get("state") == "sent":
            return str(draft["receipt"])
        missing = missing_steps(draft)
        if missing:
            raise DraftIncomplete(missing)
        receipt = draft.get("receipt") or receipts.new_receipt()
        draft.update(state="sending", receipt=receipt)
        drafts.draft_save(handle, draft)

        answers = {"preferred_language": draft.get("language", ""), **draft["answers"]}
        if not case_selectors.case_exists_for_receipt(receipt):
            try:
                _case_from_answers(
                    answers,
                    receipt=receipt,
                    keypair=evidence.case_pair(draft) if "case_private" in draft else None,
                    files=[
                        case_services.StoredFile(
                            path=drafts.draft_file_path(handle, item["uuid"]),
                            description={k: v for k, v in item.items() if k != "uuid"},
                        )
                        for item in draft.get("files", [])
                    ],
                )
            except IntegrityError:
                # Created by a concurrent send with the same receipt: the case is complete.
                log.info("a report was sent twice at once; one case kept")
        draft["state"] = "sent"
        drafts.draft_save(handle, draft)
        return str(receipt)


def _case_from_answers(
    answers: dict[str, Any],
    *,
    receipt: str,
    keypair: keys.KeyPair | None = None,
    files: list[case_services.StoredFile] | None = None,
) -> None:
    case_services.case_create(
        category=answers["category"],
        urgency=Urgency.CRITICAL if answers.get("danger") else Urgency.NORMAL,
        language=answers.get("preferred_language") or "",
        report={name: answers.get(name) for name in REPORT_FIELDS},
        receipt=receipt,
        keypair=keypair,
        files=files,
    )


def report_prefill(*, handle: drafts.DraftHandle, note: str) -> None:
    """Put ``note`` in the draft's description ("What happened?"), after anything already
    typed there and only once. Nothing is sent: the person reads and changes it first."""
    draft = drafts.draft_load(handle)
    if draft is None:
        raise DraftMissing
    answers = draft.setdefault("answers", {})
    typed = str(answers.get("what_happened") or "").rstrip()
    if note not in typed:
        answers["what_happened"] = f"{typed}\n\n{note}" if typed else note
    draft["guide_note"] = True
    drafts.draft_save(handle, draft)


def report_start() -> drafts.DraftHandle:
    """A new draft, carrying the key pair of the case it will become (for its files)."""
    handle = drafts.draft_create()
    pair = keys.generate_keypair()
    drafts.draft_save(handle, {"state": "editing", "case_private": pair.private.hex()})
    return handle


def report_create(*, answers: dict[str, Any]) -> str:
    """Send a report in one step (the JSON API): answers already checked by the forms."""
    receipt = receipts.new_receipt()
    _case_from_answers(answers, receipt=receipt)
    return receipt


def report_discard(*, handle: drafts.DraftHandle) -> None:
    drafts.draft_delete(handle)
