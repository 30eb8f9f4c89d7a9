import io

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rightsdesk.accounts.models import StaffMember
from tests.factories import make_staff


def run_createstaff(monkeypatch: pytest.MonkeyPatch, password: str, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("createstaff", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_createstaff_prints_a_one_time_enrolment_uri(monkeypatch: pytest.MonkeyPatch):
    output = run_createstaff(
        monkeypatch, "a long and unusual passphrase", "--username", "Layla", "--role", "handler"
    )
    member = StaffMember.objects.get(username="layla")
    assert member.role == "handler"
    assert member.check_password("a long and unusual passphrase")
    assert not member.totp.confirmed
    uri = next(line for line in output.splitlines() if line.startswith("otpauth://totp/"))
    assert pyotp.parse_uri(uri).name == "layla"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username", "ok-name", "--role", "handler"], "short", "too short"),
        (
            ["--username", "Bad Name!", "--role", "handler"],
            "a long and unusual passphrase",
            "3 to 40",
        ),
    ],
)
def test_createstaff_explains_what_is_wrong(monkeypatch, args, password, message):
    with pytest.raises(CommandError, match=message):
        run_createstaff(monkeypatch, password, *args)
    assert not StaffMember.objects.exists()


@pytest.mark.django_db
def test_createstaff_refuses_a_taken_name(monkeypatch: pytest.MonkeyPatch):
    make_staff(username="taken")
    with pytest.raises(CommandError, match="exists already"):
        run_createstaff(
            monkeypatch, "a long and unusual passphrase", "--username", "taken", "--role", "auditor"
        )


def test_createstaff_refuses_an_unknown_role():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("createstaff", "--username", "x", "--role", "superuser")


@pytest.mark.django_db
def test_a_database_dump_reveals_no_totp_seed():
    logins = [make_staff(enrolled=enrolled) for enrolled in (True, False)]
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    dump.append(value if isinstance(value, bytes) else str(value).encode())
    everything = b"\n".join(dump)
    assert everything, "the dump should contain the accounts"
    for login in logins:
        assert login.seed.encode() not in everything
        assert login.seed.lower().encode() not in everything
