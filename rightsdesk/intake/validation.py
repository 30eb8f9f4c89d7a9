"""Checks on what reporters type: clear, translated refusals instead of storing bad text."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

ALLOWED_CONTROLS = {"\n", "\r", "\t"}
MAX_LINKS = 50


def refuse_control_characters(value: str) -> None:
    """Control characters and unpaired surrogates are never legitimate in what a person typed;
    they are refused, not silently stripped, so nothing is changed behind the reporter's back."""
    for char in value:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in ALLOWED_CONTROLS) or category == "Cs":
            raise ValidationError(
                _("This text contains invisible control characters. Please type it again."),
                code="control_characters",
            )


_url = URLValidator(schemes=["http", "https"])


def parse_links(value: str) -> list[str]:
    """One link per line; each must be a web address (http or https)."""
    links = [line.strip() for line in value.splitlines() if line.strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError(
            ngettext_lazy(
                "Please give at most %(limit)d link.",
                "Please give at most %(limit)d links.",
                MAX_LINKS,
            ),
            params={"limit": MAX_LINKS},
            code="too_many_links",
        )
    for link in links:
        try:
            _url(link)
        except ValidationError:
            raise ValidationError(
                _("“%(link)s” is not a web address. Links start with https:// or http://."),
                params={"link": link[:200]},
                code="bad_link",
            ) from None
        if urlsplit(link).username:
            raise ValidationError(
                _("“%(link)s” contains a user name or password; please remove it."),
                params={"link": link[:200]},
                code="link_credentials",
            )
    return links
