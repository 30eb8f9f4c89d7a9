"""Test settings: the real ones, with a throw-away data directory and faster password hashing."""

import os
import tempfile

os.environ.setdefault("RIGHTSDESK_DATA_DIR", tempfile.mkdtemp(prefix="rightsdesk-test-"))

from rightsdesk.settings import *  # noqa: F403

# Argon2id still, with small parameters: the production parameters cost ~0.1 s per hash.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WHITENOISE_AUTOREFRESH = True
PUBLIC_PAGE_CACHE_SECONDS = 0  # tests that want the page cache turn it on themselves
CASE_QUEUE_CLOSED_COUNT_SECONDS = 0  # likewise for the queue's closed-case counts

from rightsdesk.crypto.passwords import FAST_KDF_FOR_TESTS  # noqa: E402

STAFF_KEY_KDF = FAST_KDF_FOR_TESTS
RECEIPT_KDF = FAST_KDF_FOR_TESTS

# A test database of its own per run, so that runs started side by side never share one.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_rightsdesk_{os.getpid()}"}  # noqa: F405
