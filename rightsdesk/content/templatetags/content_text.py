"""Template helpers for text that may be in another language than the page around it."""

from __future__ import annotations

from typing import Protocol

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


class _InALanguage(Protocol):
    @property
    def language(self) -> str: ...

    @property
    def dir(self) -> str: ...


@register.simple_tag
def lang_attributes(text: _InALanguage, around: str) -> SafeString:
    """`` lang="fa" dir="rtl"`` for an element whose text is not in the language ``around`` it
    (an untranslated piece shown in the source's language, say); nothing otherwise, since the
    element inherits both."""
    if text.language == around:
        return SafeString("")
    return format_html(' lang="{}" dir="{}"', text.language, text.dir)
