"""Topics, lessons and a glossary for tests, loaded through the parser and the content service."""

from __future__ import annotations

from typing import Any

from rightsdesk.content.models import Page
from tests.content.pages import make_page

LESSON_BODY = """
    ## Why passwords matter

    Someone who knows your password can edit as you, read your email and lock you out.

    ## One password for each account

    Use a password manager. It remembers a different, long password for every account.

    Read about [two-factor authentication](lesson:two-factor-beginner) next.

    - [ ] Install a password manager.
    - [ ] Give your wiki account a new password.
    - [ ] Turn on two-factor authentication.
    """

GLOSSARY_BODY = """
    Words used in digital safety.

    **Password manager** (also: password safe) — A program that remembers your passwords.

    **Two-factor authentication** (also: 2FA, two-step verification) — A second proof.

    **Phishing** — A message that pretends to come from someone you trust.
    """


def make_topic(slug: str = "passwords", *, position: int = 1, **fields: Any) -> Page:
    fields.setdefault("title", "Passwords and password managers")
    fields.setdefault("summary", "Keep every account behind its own password.")
    return make_page(
        slug, "Your password is the key to your account.", kind="topic", position=position, **fields
    )


def make_lesson(
    topic: str = "passwords", level: str = "beginner", body: str = LESSON_BODY, **fields: Any
) -> Page:
    fields.setdefault("title", "Passwords: the basics")
    fields.setdefault("summary", "Give every account its own password.")
    return make_page(f"{topic}-{level}", body, kind="lesson", topic=topic, level=level, **fields)


def make_glossary(body: str = GLOSSARY_BODY) -> Page:
    return make_page("glossary", body, kind="glossary", title="Glossary")
