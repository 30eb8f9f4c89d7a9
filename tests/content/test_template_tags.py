from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, Template


@dataclass(frozen=True)
class Shown:
    language: str
    dir: str


def attributes(shown: Shown, around: str) -> str:
    template = Template("<p{% load content_text %}{% lang_attributes shown around %}>")
    return template.render(Context({"shown": shown, "around": around}))


def test_text_in_the_page_language_inherits_it():
    assert attributes(Shown("fa", "rtl"), "fa") == "<p>"


def test_text_in_another_language_says_which_and_its_direction():
    assert attributes(Shown("en", "ltr"), "fa") == '<p lang="en" dir="ltr">'
    assert attributes(Shown("ar", "rtl"), "en") == '<p lang="ar" dir="rtl">'


def test_the_attributes_are_escaped():
    assert attributes(Shown('x" onload="y', "ltr"), "en") == (
        '<p lang="x&quot; onload=&quot;y" dir="ltr">'
    )
