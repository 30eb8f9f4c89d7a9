"""Bearer tokens for the staff API: issuing one after a full sign-in, checking it, revoking it.

A token is ``<key_id>.<secret>``. The database keeps the key id, a SHA-256 digest of the secret
and the member's private key encrypted under the secret, exactly as a browser session keeps it
under the keyring cookie (see keyring.py). Someone holding the database has no secret and so
neither a usable token nor the private key; someone holding a token alone has no ciphertext once
the token is revoked or expired, because the row is deleted.

The secret is 256 random bits, so a plain SHA-256 digest is enough to store it: there is nothing
to guess that a slow hash would protect.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from rightsdesk.accounts.models import ApiToken, StaffMember
from rightsdesk.accounts.services import staff_sign_in
from rightsdesk.audit.models import Action
from rightsdesk.audit.services import audit_record
from rightsdesk.core import clock
from rightsdesk.crypto import server_secrets

security_log = logging.getLogger("rightsdesk.security")

SEPARATOR = "."
# Marking a token as used on every request would be a database write per call; a minute will do.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class SignInIncomplete(Exception):
    """The password was right but the member has not finished setting up their account (their
    authenticator, recovery key, or their own password after a one-time one): that is done in
    the browser, never through the API."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    member: StaffMember


@dataclass(frozen=True)
class TokenAccess:
    """Who a valid token belongs to, with their private key opened for this request only."""

    member: StaffMember
    key_id: str
    private_key: bytes


def api_token_lifetime() -> timedelta:
    return timedelta(seconds=settings.STAFF_API_TOKEN_SECONDS)


def _context(key_id: str, member_id: int) -> bytes:
    return f"staff-api-token:{key_id}:{member_id}".encode()


def _digest(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()


def _encode(secret: bytes) -> str:
    return base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes | None:
    """The secret of a token, accepting only the exact spelling ``_encode`` gives it."""
    try:
        padded = (text + "=" * (-len(text) % 4)).encode("ascii")
        secret = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if len(secret) != server_secrets.KEY_BYTES or _encode(secret) != text:
        return None
    return secret


def api_token_issue(
    *,
    username: str,
    password: str,
    code: str,
    client_address: str,
    now: datetime | None = None,
) -> IssuedToken:
    """Sign in with the same checks and throttling as the sign-in page, and issue a token.

    Raises SignInThrottled or SignInFailed (from staff_sign_in), or SignInIncomplete.
    """
    result = staff_sign_in(
        username=username, password=password, code=code, client_address=client_address
    )
    if (
        result.needs_enrolment
        or not result.recovery_confirmed
        or result.member.must_change_password
    ):
        raise SignInIncomplete
    moment = now or clock.now()
    member = result.member
    key_id = secrets.token_urlsafe(12)
    secret = secrets.token_bytes(server_secrets.KEY_BYTES)
    expires_at = moment + api_token_lifetime()
    with transaction.atomic():
        # Housekeeping: a member's expired tokens are useless, and their rows hold ciphertext.
        ApiToken.objects.filter(member=member, expires_at__lte=moment).delete()
        ApiToken.objects.create(
            member=member,
            key_id=key_id,
            secret_hash=_digest(secret),
            sealed_private=server_secrets.encrypt(
                secret, result.private_key, context=_context(key_id, member.pk)
            ),
            expires_at=expires_at,
        )
    security_log.info("staff member %s received an API token %s", member.pk, key_id)
    return IssuedToken(
        token=f"{key_id}{SEPARATOR}{_encode(secret)}", expires_at=expires_at, member=member
    )


def api_token_verify(*, token: str, now: datetime | None = None) -> TokenAccess | None:
    """The member behind ``token`` and their private key, or None for any token that is
    malformed, unknown, wrong, expired, or belongs to a member who is no longer active."""
    key_id, separator, secret_text = token.strip().partition(SEPARATOR)
    secret = _decode(secret_text) if separator and key_id else None
    if secret is None:
        return None
    row = ApiToken.objects.select_related("member").filter(key_id=key_id).first()
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        return None
    moment = now or clock.now()
    if row.expires_at <= moment:
        ApiToken.objects.filter(pk=row.pk).delete()
        return None
    if not row.member.is_active:
        return None
    try:
        private_key = server_secrets.decrypt(
            secret, bytes(row.sealed_private), context=_context(row.key_id, row.member_id)
        )
    except server_secrets.DecryptionFailed:
        return None
    if row.last_used_at is None or moment - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=moment)
    return TokenAccess(member=row.member, key_id=row.key_id, private_key=private_key)


def api_token_revoke(*, access: TokenAccess) -> None:
    """Sign out of the API: the token and the private key sealed under it are deleted."""
    with transaction.atomic():
        ApiToken.objects.filter(key_id=access.key_id, member=access.member).delete()
        audit_record(action=Action.SIGN_OUT, actor=access.member, detail={"via": "api"})
    security_log.info("staff member %s revoked API token %s", access.member.pk, access.key_id)


def api_tokens_revoke_all(*, member: StaffMember) -> int:
    """Delete every token of a member, for when their key or password changes hands."""
    deleted, _by_model = ApiToken.objects.filter(member=member).delete()
    if deleted:
        security_log.info("staff member %s lost %s API tokens", member.pk, deleted)
    return deleted
