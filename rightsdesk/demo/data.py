"""The demo data set: one staff account per role, with well-known, insecure passwords.

It exists so that a newcomer can sign in a minute after cloning. It refuses to touch an
installation that has real staff accounts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.utils import timezone

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts import totp
from rightsdesk.accounts.models import OrganisationEscrow, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import services as case_services
from rightsdesk.cases.models import Case, Category, Status, Urgency
from rightsdesk.cases.sla import acknowledge_deadline
from rightsdesk.content.models import Page, PageKind
from rightsdesk.content.services import page_banner_set

DEMO_PREFIX = "demo-"


class RealInstallation(Exception):
    """Staff accounts that are not demo accounts exist: demo data must not be mixed in."""


class NotADemoAccount(Exception):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    enrolment_uri: str
    enrolled: bool


def demo_username(role: Role) -> str:
    return DEMO_PREFIX + role.value.replace("_", "-")


def demo_password(role: Role) -> str:
    return f"{role.value.replace('_', '-')}-insecure-demo"


def demo_load() -> list[DemoAccount]:
    """Create the demo accounts that are missing; return every demo account's sign-in details."""
    if StaffMember.objects.exclude(username__startswith=DEMO_PREFIX).exists():
        raise RealInstallation
    accounts = []
    for role in Role:
        username = demo_username(role)
        member = StaffMember.objects.filter(username=username).first()
        if member is None:
            member, _uri = account_services.staff_member_create(
                username=username,
                role=role.value,
                password=demo_password(role),
                display_name=f"Demo {role.label}",
                check_password_strength=False,
            )
        _seed, uri = account_services.totp_enrolment_details(member=member)
        accounts.append(
            DemoAccount(username, role, demo_password(role), uri, member.totp.confirmed)
        )
    return accounts


def demo_escrow() -> list[str] | None:
    """Create the demo's escrow key (3 of 5) when missing; the shares are returned only then."""
    if OrganisationEscrow.objects.exists():
        return None
    return account_services.escrow_initialise(shares=5, threshold=3)


def demo_current_code(username: str, *, now: float | None = None) -> str:
    """The code a demo account's authenticator shows now, for people without a phone at hand."""
    if not username.startswith(DEMO_PREFIX):
        raise NotADemoAccount(username)
    member = StaffMember.objects.select_related("totp").filter(username=username).first()
    if member is None:
        raise NotADemoAccount(username)
    seed = totp.decrypt_seed(member.totp.encrypted_seed, member_id=member.pk)
    return pyotp.TOTP(seed).at(time.time() if now is None else now)


# Invented reports, in several languages, for the demo queue. Nothing here is about a real person.
DEMO_REPORTS: list[dict[str, Any]] = [
    {
        "urgency": Urgency.CRITICAL,
        "category": Category.DOXXING,
        "language": "en",
        "what_happened": "Someone posted my home address and a photo of my building on a forum "
        "after I edited an article about a local politician.",
        "assign": True,
        "status": Status.ACTIVE,
        "reply": "We have asked the forum to take the post down. Are you somewhere safe tonight?",
        "note": "Forum host responds to abuse reports within a day; follow up tomorrow.",
        "tags": ["forum", "address"],
    },
    {
        "urgency": Urgency.HIGH,
        "category": Category.THREATS,
        "language": "fa",
        "what_happened": "پس از ویرایش یک مقاله، پیام‌های تهدیدآمیز در ایمیلم دریافت کردم.",
        "status": Status.TRIAGE,
    },
    {
        "urgency": Urgency.NORMAL,
        "category": Category.HARASSMENT,
        "language": "ar",
        "what_happened": "يلاحقني حساب مجهول في كل صفحة نقاش أشارك فيها.",
        "assign": True,
        "status": Status.WAITING_REPORTER,
        "reply": "Thank you for writing to us. Could you tell us which pages this happened on?",
    },
    {
        "urgency": Urgency.NORMAL,
        "category": Category.SURVEILLANCE,
        "language": "zh-hans",
        "what_happened": "我的账户收到多次陌生地点的登录提醒。",
        "status": Status.NEW,
    },
    {
        "urgency": Urgency.HIGH,
        "category": Category.IMPERSONATION,
        "language": "es",
        "what_happened": "Alguien creó una cuenta con mi nombre y está escribiendo en mi nombre.",
        "status": Status.NEW,
        "hours_ago": 6,
    },
    {
        "urgency": Urgency.NORMAL,
        "category": Category.AUTHORITIES,
        "language": "ru",
        "what_happened": "Меня вызвали для беседы из-за моих правок в статье.",
        "assign": True,
        "status": Status.RESOLVED,
        "reply": "A lawyer from our partner network will contact you.",
    },
]


def demo_cases() -> int:
    """A few invented cases in different states, when there are none yet; returns how many.

    The demo coordinator and handler get their key pairs now (as at a first sign-in), so that the
    cases can be granted to them; they still confirm a recovery key when they first sign in.
    """
    if Case.objects.exists():
        return 0
    coordinator = StaffMember.objects.get(username=demo_username(Role.COORDINATOR))
    handler = StaffMember.objects.get(username=demo_username(Role.HANDLER))
    coordinator_pair = account_services.staff_key_open(
        member=coordinator, password=demo_password(Role.COORDINATOR)
    )
    account_services.staff_key_open(member=handler, password=demo_password(Role.HANDLER))
    now = timezone.now()
    for sample in DEMO_REPORTS:
        case = case_services.case_create(
            category=sample["category"],
            urgency=sample["urgency"],
            language=sample["language"],
            report={"what_happened": sample["what_happened"], "danger": False},
        ).case
        if "hours_ago" in sample:
            opened = now - timedelta(hours=sample["hours_ago"])
            Case.objects.filter(pk=case.pk).update(
                created_at=opened,
                acknowledge_by=acknowledge_deadline(urgency=case.urgency, opened_at=opened),
            )
            case.refresh_from_db()
        _demo_progress(case, sample, coordinator, handler, coordinator_pair.private)
    return len(DEMO_REPORTS)


def _demo_progress(
    case: Case,
    sample: dict[str, Any],
    coordinator: StaffMember,
    handler: StaffMember,
    coordinator_private: bytes,
) -> None:
    """Walk a demo case through the lifecycle to its sample status, as the team would."""
    path = {
        Status.NEW: [],
        Status.TRIAGE: [Status.TRIAGE],
        Status.ACTIVE: [Status.TRIAGE, Status.ACTIVE],
        Status.WAITING_REPORTER: [Status.TRIAGE, Status.ACTIVE, Status.WAITING_REPORTER],
        Status.RESOLVED: [Status.TRIAGE, Status.ACTIVE, Status.RESOLVED],
    }[sample["status"]]
    for step in path[:2]:
        case = case_services.case_change_status(
            case=case, actor=coordinator, status=step, expected_version=case.version
        )
    if sample.get("assign"):
        case = case_services.case_assign(
            case=case,
            actor=coordinator,
            actor_private=coordinator_private,
            assignee=handler,
            expected_version=case.version,
        )
    if sample.get("reply"):
        case_services.case_team_reply(case=case, author=handler, text=sample["reply"])
        case.refresh_from_db()
    if sample.get("note"):
        case_services.case_add_note(case=case, author=handler, text=sample["note"])
    if sample.get("tags"):
        case = case_services.case_set_tags(
            case=case, actor=handler, tags=sample["tags"], expected_version=case.version
        )
    for step in path[2:]:
        case = case_services.case_change_status(
            case=case,
            actor=handler,
            status=step,
            expected_version=case.version,
            reason="Demo" if step == Status.RESOLVED else "",
        )


DEMO_CRISIS_PAGE = "crisis-internet-shutdowns"


def demo_crisis_banner() -> bool:
    """Switch on the home-page banner of the shipped crisis page, as an editor would in a crisis,
    so that a newcomer sees one. True when it was switched on now."""
    page = Page.objects.filter(slug=DEMO_CRISIS_PAGE, kind=PageKind.CRISIS).first()
    if page is None or page.banner:
        return False
    page_banner_set(page=page, on=True, actor=None)
    return True
