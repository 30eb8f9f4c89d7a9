"""What each staff role may do, as a typed vocabulary.

Roles bundle permissions; code checks permissions, never role names. The table below is asserted
literally in a test so that widening a role is always a visible, reviewed change.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    HANDLER = "handler", _("Case handler")
    PARTNER_LIAISON = "partner_liaison", _("Partner liaison")
    CONTENT_EDITOR = "content_editor", _("Content editor")
    TRANSLATOR = "translator", _("Translator")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class Permission(StrEnum):
    DASHBOARD_VIEW = "dashboard:view"
    CASE_LIST = "case:list"
    CASE_TRIAGE = "case:triage"
    CASE_ASSIGN = "case:assign"
    CASE_WORK = "case:work"
    PARTNER_VIEW = "partner:view"
    PARTNER_EDIT = "partner:edit"
    REFERRAL_MANAGE = "referral:manage"
    CONTENT_EDIT = "content:edit"
    TRANSLATION_EDIT = "translation:edit"
    AUDIT_READ = "audit:read"
    STAFF_MANAGE = "staff:manage"
    SETTINGS_MANAGE = "settings:manage"


P = Permission
StrOrPromise = str | Promise

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    # Coordinators triage and assign; they read a case's content only where a key was granted.
    Role.COORDINATOR: frozenset(
        {
            P.DASHBOARD_VIEW,
            P.CASE_LIST,
            P.CASE_TRIAGE,
            P.CASE_ASSIGN,
            P.CASE_WORK,
            P.PARTNER_VIEW,
            P.REFERRAL_MANAGE,
        }
    ),
    Role.HANDLER: frozenset({P.DASHBOARD_VIEW, P.CASE_WORK, P.PARTNER_VIEW, P.REFERRAL_MANAGE}),
    Role.PARTNER_LIAISON: frozenset(
        {P.DASHBOARD_VIEW, P.PARTNER_VIEW, P.PARTNER_EDIT, P.REFERRAL_MANAGE}
    ),
    Role.CONTENT_EDITOR: frozenset({P.DASHBOARD_VIEW, P.CONTENT_EDIT, P.TRANSLATION_EDIT}),
    Role.TRANSLATOR: frozenset({P.DASHBOARD_VIEW, P.TRANSLATION_EDIT}),
    Role.AUDITOR: frozenset({P.DASHBOARD_VIEW, P.AUDIT_READ}),
    # Administrators run the installation; by role alone they read no case.
    Role.ADMIN: frozenset({P.DASHBOARD_VIEW, P.STAFF_MANAGE, P.SETTINGS_MANAGE}),
}


def role_has_permission(role: str, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


PERMISSION_LABELS: dict[Permission, StrOrPromise] = {
    P.DASHBOARD_VIEW: _("Open the staff dashboard"),
    P.CASE_LIST: _("See the case queue (metadata only)"),
    P.CASE_TRIAGE: _("Triage new cases"),
    P.CASE_ASSIGN: _("Assign cases to handlers"),
    P.CASE_WORK: _("Work on cases granted to you"),
    P.PARTNER_VIEW: _("See the partner directory"),
    P.PARTNER_EDIT: _("Edit partner organisations"),
    P.REFERRAL_MANAGE: _("Refer cases to partners, with consent"),
    P.CONTENT_EDIT: _("Edit public pages"),
    P.TRANSLATION_EDIT: _("Translate public pages"),
    P.AUDIT_READ: _("Read the audit log"),
    P.STAFF_MANAGE: _("Manage staff accounts"),
    P.SETTINGS_MANAGE: _("Change settings"),
}
