"""The audit log: append-only entries, each chained to the one before by a keyed hash.

An entry names who did what to which case reference, and never anything a case contains.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    CASE_READ = "case_read", _("Read a case's content")
    FILE_READ = "file_read", _("Downloaded a file")
    CASE_STATUS = "case_status", _("Changed a case's status")
    CASE_UPDATE = "case_update", _("Changed a case's details")
    CASE_REPLY = "case_reply", _("Wrote to a reporter")
    CASE_NOTE = "case_note", _("Wrote an internal note")
    CASE_MERGE = "case_merge", _("Merged a case into another")
    CASE_LINK = "case_link", _("Linked two cases")
    GRANT = "grant", _("Granted access to a case")
    REVOKE = "revoke", _("Revoked access to a case")
    ACCESS_REQUEST = "access_request", _("Asked for access to a case")
    ACCESS_DECISION = "access_decision", _("Answered a request for access")
    EXPORT = "export", _("Exported a case")
    SEARCH = "search", _("Searched case content")
    LEGAL_HOLD = "legal_hold", _("Changed a legal hold")
    RETENTION_WARNING = "retention_warning", _("Warned of a coming purge")
    PURGE = "purge", _("Purged a case")
    WITHDRAWAL = "withdrawal", _("A reporter withdrew a report")
    KEY_RESET = "key_reset", _("Reset a member's key")
    KEY_RECOVERY = "key_recovery", _("Restored a member's access")
    ESCROW_RESTORE = "escrow_restore", _("Opened the escrow key")
    MEMBER_CHANGE = "member_change", _("Changed a staff account")
    SETTINGS_CHANGE = "settings_change", _("Changed a setting")
    CONTENT_CHANGE = "content_change", _("Changed a public page")
    TRANSLATION_CHANGE = "translation_change", _("Changed a translation")
    TRANSLATION_IMPORT = "translation_import", _("Imported translations")


class AuditEntry(models.Model):
    sequence = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    # The username as it was, so the entry still says who after the account is gone.
    actor = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    case_reference = models.CharField(max_length=16, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["action", "at"]), models.Index(fields=["actor", "at"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditHead(models.Model):
    """One row: the newest entry's sequence and hash. Appending locks it, so entries are written
    one at a time in every database; verifying compares it with the newest entry, so cutting
    entries off the end of the log is noticed too."""

    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"head #{self.sequence}"
