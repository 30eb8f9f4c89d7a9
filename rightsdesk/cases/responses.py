"""Ready-made replies to reporters, in the reporter's language.

The texts are gettext strings, so translators translate them together with the interface and
they follow the same review. A handler picks one on the case page; it fills the reply box, to be
edited before it is sent. Nothing is sent by choosing a template, and a template never contains
anything from the case beyond its reference.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rightsdesk.accounts.models import StaffMember
from rightsdesk.cases.models import Case

log = logging.getLogger("rightsdesk.cases")

# The query parameters of the "Start from a template" form on the case page.
TEMPLATE_PARAMETER = "template"
LANGUAGE_PARAMETER = "template_language"


@dataclass(frozen=True)
class ResponseText:
    title: Promise
    body: Promise


# In the replies, {reference}, {handler} and {team} are replaced by the case reference, the
# handler's name and the team's name; the comment before each tells translators to keep them.
RESPONSE_TEXTS: dict[str, ResponseText] = {
    "initial_reply": ResponseText(
        title=pgettext_lazy("response template", "Initial reply"),
        # Translators: keep {reference}, {handler} and {team} exactly as they are.
        body=_(
            "Hello,\n\n"
            "Thank you for writing to us. We have received your report, reference {reference}, "
            "and {handler} from our team is looking after it.\n\n"
            "We will write to you here when we know more. Come back with your receipt to read "
            "our messages or to tell us anything new. If you are in immediate danger, contact "
            "your local emergency services first.\n\n"
            "With care,\n{handler}, {team}"
        ),
    ),
    "out_of_mandate": ResponseText(
        title=pgettext_lazy("response template", "Outside our mandate"),
        # Translators: keep {reference}, {handler} and {team} exactly as they are.
        body=_(
            "Hello,\n\n"
            "Thank you for trusting us with your report ({reference}). We have read it "
            "carefully. We support volunteers facing threats connected to their work on the "
            "projects, and what you describe is outside what our team can help with.\n\n"
            "The platform's Trust and Safety team, or the community's help pages, may be able "
            "to help you. We are sorry we cannot do more ourselves.\n\n"
            "With care,\n{handler}, {team}"
        ),
    ),
    "referral_follow_up": ResponseText(
        title=pgettext_lazy("response template", "Referral follow-up"),
        # Translators: keep {reference}, {handler} and {team} exactly as they are.
        body=_(
            "Hello,\n\n"
            "With your consent, we put you in touch with a partner organisation about your "
            "report ({reference}). Has the partner contacted you, and is their help what you "
            "needed?\n\n"
            "If anything has changed, or if you no longer want the partner to be involved, "
            "tell us here and we will act on it.\n\n"
            "With care,\n{handler}, {team}"
        ),
    ),
    "safety_advice": ResponseText(
        title=pgettext_lazy("response template", "Safety advice"),
        # Translators: keep {reference}, {handler} and {team} exactly as they are.
        body=_(
            "Hello,\n\n"
            "While we work on your report ({reference}), a few steps can make you safer:\n\n"
            "- use a long, unique password and two-step verification for your accounts;\n"
            "- check what can be found about you on the projects and elsewhere, and ask us "
            "before removing anything;\n"
            "- keep links and screenshots of anything threatening, with their dates;\n"
            "- do not answer the people threatening you.\n\n"
            "If you are in immediate danger, contact your local emergency services first.\n\n"
            "With care,\n{handler}, {team}"
        ),
    ),
}


@dataclass(frozen=True)
class ResponseTemplate:
    key: str
    title: str
    text: str
    language: str


class _KeepUnknown(dict[str, str]):
    """Leaves a placeholder a translation misspelt as it is, rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _filled(body: str, values: Mapping[str, str], source: str) -> str:
    try:
        return body.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, AttributeError):
        # A translation with a stray brace cannot be filled in; the source text can.
        log.warning("a translated response template is malformed; using the source text")
        return source.format_map(_KeepUnknown(values))


def template_languages() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def reply_language(case: Case, requested: str | None = None) -> str:
    """The language to reply in: the one asked for if rightsdesk speaks it, else the case's."""
    known = {code for code, _name in settings.LANGUAGES}
    for candidate in (requested, case.language):
        if candidate in known:
            return str(candidate)
    return str(settings.LANGUAGE_CODE)


def response_templates(
    *, language: str, case: Case, handler: StaffMember
) -> list[ResponseTemplate]:
    """Every template, translated into ``language`` and filled in for this case and handler."""
    values = {
        "reference": case.reference,
        "handler": handler.display_name or handler.username,
        "team": str(settings.SITE_NAME),
    }
    with translation.override("en"):
        sources = {key: str(text.body) for key, text in RESPONSE_TEXTS.items()}
    with translation.override(language):
        return [
            ResponseTemplate(
                key=key,
                title=str(text.title),
                text=_filled(str(text.body), values, sources[key]),
                language=language,
            )
            for key, text in RESPONSE_TEXTS.items()
        ]


def prefilled_reply(request: HttpRequest, case: Case, member: StaffMember) -> str:
    """The reply box's starting text, from the case page's "Start from a template" form.

    Empty when no (known) template was chosen. The case view passes it as the reply form's
    initial text, so choosing a template works without JavaScript.
    """
    key = request.GET.get(TEMPLATE_PARAMETER, "")
    if key not in RESPONSE_TEXTS:
        return ""
    language = reply_language(case, request.GET.get(LANGUAGE_PARAMETER))
    chosen = response_templates(language=language, case=case, handler=member)
    return next(template.text for template in chosen if template.key == key)
