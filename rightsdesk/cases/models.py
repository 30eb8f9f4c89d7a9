"""Cases. Only what routing, deadlines and aggregate figures need is in plaintext (see
docs/threat-model.md); everything a reporter or the team wrote is encrypted to the case key."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    NEW = "new", _("New")
    TRIAGE = "triage", _("In triage")
    ACTIVE = "active", pgettext_lazy("case status", "Active")
    WAITING_REPORTER = "waiting_reporter", _("Waiting for the reporter")
    WAITING_PARTNER = "waiting_partner", _("Waiting for a partner")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Urgency(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class Category(models.TextChoices):
    HARASSMENT = "harassment", _("Harassment")
    DOXXING = "doxxing", _("Doxxing or outing")
    THREATS = "threats", _("Threats")
    AUTHORITIES = "authorities", _("Legal action, arrest or pressure from authorities")
    SURVEILLANCE = "surveillance", _("Surveillance or account compromise")
    IMPERSONATION = "impersonation", _("Impersonation")
    OTHER = "other", _("Other")


class Case(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW)
    urgency = models.CharField(max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    category = models.CharField(max_length=24, choices=Category.choices)
    language = models.CharField(max_length=16)
    region = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The case key pair: everything added to the case is encrypted to the public half; the
    # private half is stored only wrapped (escrow, reporter, and one grant per staff member).
    public_key = models.BinaryField()
    escrow_wrap = models.BinaryField()
    reporter_wrap = models.BinaryField(null=True)
    # HMAC of the receipt under a pepper kept outside the database.
    # Null once the report is withdrawn: unique, so an empty string cannot stand in for it.
    receipt_lookup = models.CharField(max_length=64, unique=True, null=True)  # noqa: DJ001
    # Bumped by every change; a change names the version it was made on (optimistic locking).
    version = models.PositiveIntegerField(default=1)
    # The handler responsible; they also hold a grant (assigning grants the key).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    due_on = models.DateField(null=True, blank=True)
    # Deadlines and response times (plaintext: the worker escalates without reading content).
    acknowledge_by = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Retention: a legal hold pauses purging; the assignee is warned before a purge.
    legal_hold = models.BooleanField(default=False)
    purge_warned_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_cases"
    )
    # The text of the case's entries, encrypted under a key derived from the case private key,
    # so that searching needs one key operation per case instead of one per entry. Only key
    # holders can read or refresh it; shredding the case deletes it with everything else.
    search_digest = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "urgency", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["first_response_at", "acknowledge_by"]),
            # The queue's order; and the same for open cases only, the page everyone opens.
            models.Index(fields=["urgency", "created_at", "id"], name="case_queue_order"),
            models.Index(
                fields=["urgency", "created_at", "id"],
                condition=models.Q(purged_at__isnull=True)
                & ~models.Q(status__in=["resolved", "rejected", "merged", "withdrawn"]),
                name="case_queue_open",
            ),
            # Everything the queue's counts look at, for open cases: counted from the index
            # alone, without reading the table.
            models.Index(
                fields=[
                    "status",
                    "urgency",
                    "category",
                    "language",
                    "assignee",
                    "sla_breached_at",
                    "acknowledge_by",
                    "first_response_at",
                ],
                condition=models.Q(purged_at__isnull=True)
                & ~models.Q(status__in=["resolved", "rejected", "merged", "withdrawn"]),
                name="case_queue_open_counts",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseGrant(models.Model):
    """A staff member's copy of the case private key, sealed to their own public key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_grants"
    )
    sealed_private = models.BinaryField()
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Sealed to a key the member no longer has (their key was reset); a recovery re-seals it.
    needs_recovery = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "member"], name="one_grant_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.member_id}"


class AccessRequest(models.Model):
    """A member asking for a case's key; a current holder approves (and re-wraps) or declines."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_requests")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "member"],
                condition=models.Q(decided_at__isnull=True),
                name="one_open_access_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member_id} asks for {self.case_id}"


class CaseLink(models.Model):
    """Two related cases (same attacker, same event). Stored once, with the lower id first."""

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=models.Q(from_case__lt=models.F("to_case")), name="link_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_case_id} ↔ {self.to_case_id}"


class EntryKind(models.TextChoices):
    REPORT = "report", _("Report")
    REPORTER_MESSAGE = "reporter_message", _("Message from the reporter")
    TEAM_MESSAGE = "team_message", _("Message to the reporter")
    NOTE = "note", _("Internal note")
    STATUS_CHANGE = "status_change", _("Status change")
    ASSIGNMENT = "assignment", _("Assignment")
    TAGS = "tags", _("Tags")
    REFERRAL = "referral", _("Referral")
    MERGE = "merge", _("Merged case")


class CaseEntry(models.Model):
    """One item on a case's timeline; its content is an envelope sealed to the case key."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=24, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ciphertext = models.BinaryField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.uuid}"


class EvidenceFile(models.Model):
    """A file attached to a case. Its content lives encrypted (secretstream, to the case key) in
    the data directory; its name, type, size, digest and inspection report are an envelope here.
    Nothing about it is readable without the case key, not even its name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="files")
    entry = models.ForeignKey(CaseEntry, on_delete=models.SET_NULL, null=True, related_name="files")
    created_at = models.DateTimeField(auto_now_add=True)
    sealed_meta = models.BinaryField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.uuid)
