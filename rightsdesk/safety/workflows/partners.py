"""The partner services an emergency workflow may point to (``partners:<service>`` answers).

There is no partner directory on the site yet: every service leads to the ``partners`` page.
:func:`partner_service_url` is the one place that decides where a service leads, so that a
directory with a filter per service can take over without touching the workflows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARTNERS_PAGE = "partners"


@dataclass(frozen=True)
class PartnerService:
    slug: str
    label: str | Promise
    description: str | Promise


SERVICES: dict[str, PartnerService] = {
    service.slug: service
    for service in (
        PartnerService(
            "legal-aid",
            _("Legal help"),
            _("Lawyers who know the law where you live and can advise you in confidence."),
        ),
        PartnerService(
            "digital-security",
            _("Digital security help"),
            _("Trainers who help you secure your accounts and devices, step by step."),
        ),
        PartnerService(
            "threat-monitoring",
            _("Threat monitoring"),
            _("People who watch for new threats against you and help document them."),
        ),
        PartnerService(
            "translation",
            _("Translation"),
            _("Translators who help you read or write messages in another language."),
        ),
        PartnerService(
            "psychosocial-support",
            _("Emotional support"),
            _("Counsellors who listen and help you cope with stress, fear or exhaustion."),
        ),
        PartnerService(
            "emergency-relocation",
            _("Emergency relocation"),
            _("Organisations that help people at risk move to a safer place for a while."),
        ),
    )
}


def partner_service_url(service: str) -> str | None:
    """Where readers find partners offering ``service``, in the active language; None for an
    unknown service."""
    if service not in SERVICES:
        return None
    try:
        return reverse("content:page", kwargs={"slug": PARTNERS_PAGE})
    except NoReverseMatch:
        return None


def partner_link(target: str, language: str) -> str | None:
    """``partners:legal-aid`` in content → the address readers follow (the caller has switched
    to ``language``)."""
    return partner_service_url(target)


@dataclass(frozen=True)
class PartnerOffer:
    """What a page shows for a ``partners:`` answer: the service, what it is, where to go."""

    service: PartnerService
    url: str | None


def partner_offer(service: str) -> PartnerOffer | None:
    """What a workflow page shows for a partner service: its name, what it offers and where
    to go (from :func:`partner_service_url`); None for an unknown service."""
    known = SERVICES.get(service)
    if known is None:
        return None
    return PartnerOffer(service=known, url=partner_service_url(service))
