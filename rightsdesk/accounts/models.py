from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rightsdesk.accounts.permissions import Permission, Role, role_has_permission

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,38}[a-z0-9]$"

username_validator = RegexValidator(
    USERNAME_PATTERN,
    _("Use 3 to 40 lower-case letters, digits, dots, dashes or underscores."),
)


class StaffMemberManager(BaseUserManager["StaffMember"]):
    def get_by_natural_key(self, username: str | None) -> StaffMember:
        return self.get(username=(username or "").strip().lower())

    def create_user(self, username: str, password: str | None = None, **extra: Any) -> StaffMember:
        raise NotImplementedError("use rightsdesk.accounts.services.staff_member_create")


class StaffMember(AbstractBaseUser):
    """A member of the team. There are no superusers: what a member may do comes from the role."""

    username = models.CharField(
        _("username"), max_length=40, unique=True, validators=[username_validator]
    )
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    # Set when an administrator gave the member a one-time password; nothing else opens until
    # they choose their own.
    must_change_password = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[StaffMemberManager] = StaffMemberManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["role"]

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_permission(self, permission: Permission) -> bool:
        return self.is_active and role_has_permission(self.role, permission)


class TotpDevice(models.Model):
    """A member's authenticator. The seed is encrypted under a key kept outside the database."""

    member = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="totp")
    encrypted_seed = models.BinaryField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The newest time step a code was accepted for; anything at or before it is a replay.
    last_used_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP for {self.member_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class LoginThrottle(models.Model):
    """Failed sign-ins under one key: an HMAC of an account name, or of a client address.

    Only the keyed hash is stored, never the name or the address itself.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.key


class StaffKey(models.Model):
    """A member's X25519 key pair. The private half is stored only wrapped: under a key derived
    from their password (Argon2id) and under a recovery key shown to them once."""

    member = models.OneToOneField(StaffMember, on_delete=models.CASCADE, related_name="key")
    public_key = models.BinaryField()
    private_by_password = models.BinaryField()
    private_by_recovery = models.BinaryField(null=True, blank=True)
    recovery_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"key of {self.member_id}"


class RetiredStaffKey(models.Model):
    """A member's previous key, kept after an administrator reset it (lost password) so that
    their recovery key can still open it and re-seal their grants to the new key."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="retired_keys")
    public_key = models.BinaryField()
    private_by_recovery = models.BinaryField(null=True, blank=True)
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-retired_at", "-id"]

    def __str__(self) -> str:
        return f"retired key of {self.member_id}"


class ApiToken(models.Model):
    """A bearer token for the staff API. The token is ``<key_id>.<secret>``: only a hash of the
    secret is stored, and the member's private key is kept encrypted under the secret, exactly
    as a browser session keeps it under a cookie."""

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="api_tokens")
    key_id = models.CharField(max_length=24, unique=True)
    secret_hash = models.CharField(max_length=64)
    sealed_private = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.key_id}"


class OrganisationEscrow(models.Model):
    """The public half of the organisation's escrow key. The private half is never stored: it
    exists only as Shamir shares held by trustees, and is rebuilt from enough of them to restore
    access after lost passwords."""

    public_key = models.BinaryField()
    shares = models.PositiveSmallIntegerField()
    threshold = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"escrow {self.threshold} of {self.shares}"


class Notification(models.Model):
    """An in-app notice for a member. Content-free by design: a kind and a time, never what a
    case is about, so the list can be shown anywhere without revealing anything."""

    class Kind(models.TextChoices):
        NEW_REPORT = "new_report", _("A new report has arrived.")
        URGENT_REPORT = "urgent_report", _("Urgent: a report needs attention now.")
        REPORTER_REPLIED = "reporter_replied", _("A reporter wrote back on a case you hold.")
        SLA_ESCALATION = "sla_escalation", _("A case is past its response deadline.")
        CASE_ASSIGNED = "case_assigned", _("A case was assigned to you.")
        ACCESS_REQUESTED = "access_requested", _("Someone asked for access to a case you hold.")
        ACCESS_ANSWERED = "access_answered", _("Your request for access to a case was answered.")
        RETENTION_WARNING = "retention_warning", _("A case you hold will be purged soon.")

    member = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.member_id}"
