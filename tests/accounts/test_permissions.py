from rightsdesk.accounts.permissions import (
    PERMISSION_LABELS,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    role_has_permission,
)


def test_role_permission_table_is_exactly_this():
    table = {role.value: sorted(p.value for p in perms) for role, perms in ROLE_PERMISSIONS.items()}
    assert table == {
        "coordinator": [
            "case:assign",
            "case:list",
            "case:triage",
            "case:work",
            "dashboard:view",
            "partner:view",
            "referral:manage",
        ],
        "handler": ["case:work", "dashboard:view", "partner:view", "referral:manage"],
        "partner_liaison": ["dashboard:view", "partner:edit", "partner:view", "referral:manage"],
        "content_editor": ["content:edit", "dashboard:view", "translation:edit"],
        "translator": ["dashboard:view", "translation:edit"],
        "auditor": ["audit:read", "dashboard:view"],
        "admin": ["dashboard:view", "settings:manage", "staff:manage"],
    }


def test_every_role_is_in_the_table_and_every_permission_has_a_label():
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert set(PERMISSION_LABELS) == set(Permission)


def test_admin_reads_no_case_by_role_alone():
    assert not role_has_permission("admin", Permission.CASE_WORK)
    assert not role_has_permission("admin", Permission.CASE_LIST)


def test_unknown_role_has_nothing():
    assert not role_has_permission("superuser", Permission.DASHBOARD_VIEW)
