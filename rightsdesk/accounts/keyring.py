"""Keeping a signed-in member's private key usable without ever storing it readable.

At sign-in the private key is unwrapped with the password, then encrypted under a fresh random
secret. The ciphertext lives in the server-side session; the secret lives only in a cookie in the
member's browser. Someone holding the database (sessions included) has no secret; someone holding
the cookie alone has no ciphertext. Signing out deletes both.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from rightsdesk.crypto import server_secrets

COOKIE = "rightsdesk_key"
SESSION_FIELD = "staff_key_sealed"


def _context(member_id: int) -> bytes:
    return f"staff-session-key:{member_id}".encode()


def keyring_store(
    request: HttpRequest, response: HttpResponse, *, member_id: int, private: bytes
) -> None:
    """Seal ``private`` into the session and hand the opening secret to the browser."""
    secret = secrets.token_bytes(server_secrets.KEY_BYTES)
    sealed = server_secrets.encrypt(secret, private, context=_context(member_id))
    request.session[SESSION_FIELD] = base64.b64encode(sealed).decode("ascii")
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(secret).decode("ascii"),
        httponly=True,
        samesite="Strict",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/",
    )


def keyring_private_key(request: HttpRequest, *, member_id: int) -> bytes | None:
    """The member's private key for this request, or None when the session or cookie is gone."""
    sealed_text = request.session.get(SESSION_FIELD)
    secret_text = request.COOKIES.get(COOKIE)
    if not isinstance(sealed_text, str) or not secret_text:
        return None
    try:
        secret = base64.urlsafe_b64decode(secret_text.encode("ascii"))
        sealed = base64.b64decode(sealed_text.encode("ascii"))
        return server_secrets.decrypt(secret, sealed, context=_context(member_id))
    except (binascii.Error, ValueError, server_secrets.DecryptionFailed):
        return None


def keyring_forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Strict")
