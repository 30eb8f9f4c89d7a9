"""Names that bind ciphertexts and look-ups to their place, shared by services and selectors."""

from __future__ import annotations

from django.conf import settings

from rightsdesk.crypto import receipts


def entry_context(reference: str, entry_uuid: str) -> bytes:
    """Binds each ciphertext to its case and entry, so rows cannot be swapped around."""
    return f"case:{reference}:entry:{entry_uuid}".encode()


def receipt_lookup(receipt: str) -> str:
    """The HMAC under the server pepper by which a receipt finds its case."""
    return receipts.receipt_lookup_id(receipt, settings.RECEIPT_PEPPER.encode())


def file_context(file_uuid: str) -> bytes:
    """Binds a file's sealed description to that file."""
    return f"evidence:{file_uuid}".encode()
