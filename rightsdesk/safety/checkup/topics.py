"""Names for the lessons and emergency guides a plan links to, so each link says where it goes."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rightsdesk.safety.checkup.structure import Action
from rightsdesk.safety.lessons.reading import LEVEL_LABELS

TOPIC_TITLES: dict[str, str | Promise] = {
    "passwords": _("Passwords and password managers"),
    "two-factor": _("Two-factor authentication"),
    "user-page": _("Your user page and username"),
    "doxxing": _("Doxxing and outing"),
    "phishing": _("Social engineering and phishing"),
    "tracking": _("Tracking and targeted advertising"),
    "vpn-tor": _("VPNs and Tor"),
    "secure-messaging": _("End-to-end encryption and secure messaging"),
    "free-software": _("Why free and open-source software is often safer"),
    "devices": _("Device security"),
    "sensitive-topics": _("Writing about sensitive topics from a hostile environment"),
    "wellbeing": _("Wellbeing under harassment"),
}
WORKFLOW_TITLES: dict[str, str | Promise] = {
    "being-doxxed": _("I'm being doxxed or outed"),
    "account-taken-over": _("My account was taken over"),
    "threat-received": _("I received a threat"),
    "impersonation": _("Someone impersonates me"),
    "legal-pressure": _("I face legal pressure or a visit from the authorities"),
    "device-compromised": _("My device may be compromised"),
}


@dataclass(frozen=True)
class ActionLinks:
    lesson_url: str
    topic: str | Promise
    level: str | Promise
    workflow_url: str = ""
    workflow: str | Promise = ""


def lesson_links(action: Action) -> ActionLinks:
    topic, level = action.lesson
    links = ActionLinks(
        lesson_url=reverse("safety:lesson", kwargs={"topic": topic, "level": level}),
        topic=TOPIC_TITLES[topic],
        level=LEVEL_LABELS[level],
    )
    if not action.workflow:
        return links
    return replace(
        links,
        workflow_url=reverse("safety:workflow", kwargs={"slug": action.workflow}),
        workflow=WORKFLOW_TITLES[action.workflow],
    )
