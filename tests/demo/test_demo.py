import io

import pyotp
import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from rightsdesk.accounts import services as account_services
from rightsdesk.accounts.models import OrganisationEscrow, StaffMember
from rightsdesk.accounts.permissions import Role
from rightsdesk.cases import selectors
from rightsdesk.cases.models import Case, Status
from rightsdesk.content.models import Page
from rightsdesk.crypto import escrow, keys
from rightsdesk.demo import data
from tests.factories import make_staff


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_creates_one_account_per_role_and_prints_how_to_sign_in():
    output = run_demo()
    assert StaffMember.objects.count() == len(Role)
    for role in Role:
        member = StaffMember.objects.get(role=role)
        assert f"username: {member.username}" in output
        assert f"password: {role.value.replace('_', '-')}-insecure-demo" in output
    uris = [
        line.split("authenticator: ")[1]
        for line in output.splitlines()
        if "authenticator: otpauth" in line
    ]
    assert len(uris) == len(Role)


@pytest.mark.django_db
def test_demo_runs_again_without_duplicating_and_prints_the_same_details():
    first = run_demo()
    second = run_demo()
    marker = "Demo staff accounts"
    assert first.split(marker)[1] == second.split(marker)[1]
    assert "share 1:" in first
    assert "share 1:" not in second
    assert "escrow key exists already" in second
    assert StaffMember.objects.count() == len(Role)


@pytest.mark.django_db
def test_a_demo_account_can_sign_in_with_the_printed_details(client: Client):
    output = run_demo()
    line = next(
        line for line in output.splitlines() if "otpauth://totp/rightsdesk:demo-auditor" in line
    )
    code = pyotp.TOTP(pyotp.parse_uri(line.split("authenticator: ")[1]).secret).now()
    response = client.post(
        "/en/staff/sign-in/",
        {"username": "demo-auditor", "password": "auditor-insecure-demo", "code": code},
    )
    assert response.status_code == 302
    # A first sign-in goes on to the recovery key before anything else.
    assert response["Location"] == "/en/staff/account/recovery-key/"


@pytest.mark.django_db
def test_demo_code_prints_the_current_code():
    output = run_demo()
    line = next(line for line in output.splitlines() if "demo-handler?" in line)
    expected = pyotp.TOTP(pyotp.parse_uri(line.split("authenticator: ")[1]).secret).now()
    assert run_demo("--code", "demo-handler").strip() == expected
    with pytest.raises(CommandError, match="not a demo account"):
        run_demo("--code", "someone-real")


@pytest.mark.django_db
def test_demo_refuses_a_real_installation():
    make_staff(username="real-person")
    with pytest.raises(CommandError, match="real staff accounts"):
        run_demo()
    assert not StaffMember.objects.filter(username__startswith="demo-").exists()


@pytest.mark.django_db
def test_demo_escrow_shares_rebuild_the_escrow_key():
    output = run_demo()
    shares = [line.split(": ", 1)[1] for line in output.splitlines() if "  share " in line]
    assert len(shares) == 5
    escrow_key = OrganisationEscrow.objects.get()
    private = escrow.combine_shares([shares[4], shares[0], shares[2]])
    assert keys.keypair_from_private(private).public == bytes(escrow_key.public_key)


@pytest.mark.django_db
def test_demo_fills_the_queue_with_readable_invented_cases():
    output = run_demo()
    assert f"Created {len(data.DEMO_REPORTS)} invented demo cases." in output
    assert Case.objects.count() == len(data.DEMO_REPORTS)
    assert {case.status for case in Case.objects.all()} == {
        sample["status"] for sample in data.DEMO_REPORTS
    }
    handler = StaffMember.objects.get(username="demo-handler")
    assigned = Case.objects.filter(assignee=handler)
    assert assigned.count() == sum(1 for sample in data.DEMO_REPORTS if sample.get("assign"))
    pair = account_services.staff_key_open(member=handler, password="handler-insecure-demo")
    timeline = selectors.case_timeline(handler, assigned.get(status=Status.ACTIVE), pair.private)
    assert timeline[0].content["what_happened"]
    assert Case.objects.filter(status=Status.NEW, acknowledge_by__isnull=False).exists()
    run_demo()
    assert Case.objects.count() == len(data.DEMO_REPORTS)


@pytest.mark.django_db
def test_demo_switches_on_the_crisis_banner_once_the_content_is_loaded(client: Client):
    call_command("content", "-v0", "sync")
    out = run_demo()
    assert "banner of the crisis page" in out
    assert Page.objects.get(slug="crisis-internet-shutdowns").banner
    home = client.get("/en/").content.decode()
    assert 'href="/en/crisis-internet-shutdowns/"' in home
    assert "banner of the crisis page" not in run_demo()
