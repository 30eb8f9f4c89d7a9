import pyotp
import pytest

from rightsdesk.accounts import totp

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0
STEP = int(NOW // 30)


def code_at(step: int) -> str:
    return pyotp.TOTP(SEED).generate_otp(step)


def test_current_and_neighbouring_steps_are_accepted():
    for step in (STEP - 1, STEP, STEP + 1):
        assert totp.matching_step(SEED, code_at(step), last_used_step=0, now=NOW) == step


def test_codes_outside_the_drift_window_are_refused():
    assert totp.matching_step(SEED, code_at(STEP - 2), last_used_step=0, now=NOW) is None
    assert totp.matching_step(SEED, code_at(STEP + 2), last_used_step=0, now=NOW) is None


def test_a_used_step_cannot_be_replayed():
    assert totp.matching_step(SEED, code_at(STEP), last_used_step=STEP, now=NOW) is None
    assert totp.matching_step(SEED, code_at(STEP - 1), last_used_step=STEP, now=NOW) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("123 456", "123456"),
        ("123-456", "123456"),
        ("۱۲۳۴۵۶", "123456"),
        ("١٢٣٤٥٦", "123456"),
        ("\uff11\uff12\uff13\uff14\uff15\uff16", "123456"),
        ("12a456", ""),
        ("", ""),
    ],
)
def test_codes_are_normalised(typed: str, expected: str):
    assert totp.normalise_code(typed) == expected


def test_persian_digits_are_accepted_as_a_code():
    persian = code_at(STEP).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert totp.matching_step(SEED, persian, last_used_step=0, now=NOW) == STEP


def test_wrong_length_is_refused():
    assert totp.matching_step(SEED, "12345", last_used_step=0, now=NOW) is None


def test_qr_code_path_draws_only_dark_modules():
    qr = totp.qr_code("otpauth://totp/x?secret=" + SEED)
    assert qr.size >= 21 + 8
    assert set(qr.path) <= set("0123456789Mhvz- ")
    assert qr.path.startswith("M4 4h7")  # the finder pattern's top edge


def test_seed_encryption_is_bound_to_the_member():
    sealed = totp.encrypt_seed(SEED, member_id=1)
    assert totp.decrypt_seed(sealed, member_id=1) == SEED
    assert SEED.encode() not in sealed
    with pytest.raises(Exception, match="does not open"):
        totp.decrypt_seed(sealed, member_id=2)


def test_seed_is_grouped_for_typing():
    assert totp.format_seed_for_humans("ABCDEFGH") == "ABCD EFGH"
