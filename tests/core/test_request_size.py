import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000, DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_declared_oversized_body_gets_a_translated_413(client: Client):
    response = client.post(
        "/fa/staff/sign-in/", data=b"x" * 2000, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert 'lang="fa" dir="rtl"' in html
    assert "Too much data" not in html  # translated


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=1000, DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_form_body_gets_413_in_english(client: Client):
    response = client.post("/en/staff/sign-in/", {"username": "a" * 5000})
    assert response.status_code == 413
    assert "Too much data" in response.content.decode()
    assert "0.0 MB" in response.content.decode()


@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=100_000, DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_body_too_big_found_while_reading_is_also_413(client: Client):
    # Declared length under the limit, but Django's own reading limit is lower.
    response = client.post("/en/staff/sign-in/", {"username": "a" * 5000})
    assert response.status_code == 413
