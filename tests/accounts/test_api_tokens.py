"""Staff API tokens: issued only after a full sign-in, stored as a hash, carrying the private key
sealed under the token itself, and dead once expired, revoked or the member is deactivated."""

import time
from datetime import timedelta

import pytest

from rightsdesk.accounts import api_tokens, services
from rightsdesk.accounts.models import ApiToken, LoginThrottle, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.audit.models import Action, AuditEntry
from rightsdesk.core import clock
from tests.factories import StaffLogin, make_staff


def issue(login: StaffLogin, **overrides) -> api_tokens.IssuedToken:
    values = {
        "username": login.member.username,
        "password": login.password,
        "code": login.code(),
        "client_address": "192.0.2.1",
        **overrides,
    }
    return api_tokens.api_token_issue(**values)


def test_a_token_opens_the_members_private_key_and_only_a_hash_is_stored(db):
    login = make_staff(Role.HANDLER)
    issued = issue(login)
    key_id, _, secret = issued.token.partition(".")
    row = ApiToken.objects.get()
    assert row.member == login.member
    assert row.key_id == key_id
    assert len(row.secret_hash) == 64
    assert secret not in row.secret_hash
    assert secret.encode() not in bytes(row.sealed_private)
    assert issued.expires_at - row.created_at == pytest.approx(
        timedelta(hours=8), abs=timedelta(seconds=5)
    )

    access = api_tokens.api_token_verify(token=issued.token)
    assert access is not None
    assert access.member == login.member
    expected = services.staff_key_open(member=login.member, password=login.password).private
    assert access.private_key == expected
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_the_lifetime_is_a_setting(db, settings):
    settings.STAFF_API_TOKEN_SECONDS = 60
    moment = clock.now()
    issued = issue(make_staff(), now=moment)
    assert issued.expires_at == moment + timedelta(seconds=60)


@pytest.mark.parametrize(
    "tampered",
    [
        lambda token: token.partition(".")[0] + ".",
        lambda token: token.partition(".")[2],
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "unknownkeyid." + token.partition(".")[2],
        lambda token: token + "!!",
        lambda _token: "",
    ],
)
def test_a_wrong_or_malformed_token_opens_nothing(db, tampered):
    issued = issue(make_staff())
    assert api_tokens.api_token_verify(token=tampered(issued.token)) is None


def test_an_expired_token_is_refused_and_deleted(db):
    issued = issue(make_staff())
    later = issued.expires_at + timedelta(seconds=1)
    assert api_tokens.api_token_verify(token=issued.token, now=later) is None
    assert not ApiToken.objects.exists()


def test_expired_tokens_are_cleared_when_a_new_one_is_issued(db):
    login = make_staff()
    old = issue(login)
    ApiToken.objects.update(expires_at=clock.now() - timedelta(minutes=1))
    issue(login, code=login.code(at=time.time() + 30))
    assert list(ApiToken.objects.values_list("key_id", flat=True)) != [old.token.split(".")[0]]
    assert ApiToken.objects.count() == 1


def test_a_deactivated_members_token_stops_working(db):
    login = make_staff()
    issued = issue(login)
    login.member.is_active = False
    login.member.save(update_fields=["is_active"])
    assert api_tokens.api_token_verify(token=issued.token) is None


def test_revoking_deletes_the_token_and_is_audited(db):
    login = make_staff()
    issued = issue(login)
    access = api_tokens.api_token_verify(token=issued.token)
    assert access is not None
    api_tokens.api_token_revoke(access=access)
    assert api_tokens.api_token_verify(token=issued.token) is None
    assert not ApiToken.objects.exists()
    entry = AuditEntry.objects.get(action=Action.SIGN_OUT)
    assert entry.actor == login.member.username
    assert issued.token.partition(".")[2] not in str(entry.detail)


def test_revoke_all_removes_every_token_of_the_member(db):
    login = make_staff()
    other = make_staff()
    issue(login)
    issue(login, code=login.code(at=time.time() + 30))
    issue(other)
    assert api_tokens.api_tokens_revoke_all(member=login.member) == 2
    assert list(ApiToken.objects.values_list("member", flat=True)) == [other.member.pk]


@pytest.mark.parametrize("mistake", ["password", "code", "empty-code", "username"])
def test_wrong_credentials_issue_nothing(db, mistake):
    login = make_staff()
    overrides = {
        "password": {"password": "not the password at all"},
        "code": {"code": "000000" if login.code() != "000000" else "111111"},
        "empty-code": {"code": ""},
        "username": {"username": "nobody-here"},
    }[mistake]
    with pytest.raises(services.SignInFailed):
        issue(login, **overrides)
    assert not ApiToken.objects.exists()


def test_sign_ins_through_the_api_are_throttled_like_the_page(db, settings):
    settings.LOGIN_FREE_FAILURES = 1
    login = make_staff()
    with pytest.raises(services.SignInFailed):
        issue(login, password="not the password at all")
    with pytest.raises(services.SignInThrottled) as throttled:
        issue(login)
    assert throttled.value.wait_seconds > 0
    assert LoginThrottle.objects.exists()
    assert not ApiToken.objects.exists()


def test_an_unfinished_enrolment_gets_no_token(db):
    login = make_staff(enrolled=False)
    with pytest.raises(api_tokens.SignInIncomplete):
        issue(login, code="")
    assert not ApiToken.objects.exists()


def test_an_unconfirmed_recovery_key_gets_no_token(db):
    login = make_staff()
    services.staff_recovery_key_issue(
        member=login.member,
        private_key=services.staff_key_open(member=login.member, password=login.password).private,
    )
    with pytest.raises(api_tokens.SignInIncomplete):
        issue(login)
    assert not ApiToken.objects.exists()


def test_a_one_time_password_from_an_administrator_gets_no_token(db):
    login = make_staff()
    StaffMember.objects.filter(pk=login.member.pk).update(must_change_password=True)
    with pytest.raises(api_tokens.SignInIncomplete):
        issue(login)
    assert not ApiToken.objects.exists()
