from __future__ import annotations

import pytest
from django.core.cache import caches

from rightsdesk.content.models import Page
from tests.safety.workflows.samples import OTHER, SMALL, make_workflow


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    """Report drafts of one test are not seen by another."""
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def empty_page_cache():
    caches["pages"].clear()


@pytest.fixture
def workflows(db) -> dict[str, Page]:
    """Two published workflows: ``doxxed`` (see samples.SMALL) links to ``account-lost``."""
    return {
        "doxxed": make_workflow(
            "doxxed", SMALL, position=2, summary="What to do when your details are published."
        ),
        "account-lost": make_workflow(
            "account-lost", OTHER, title="My account was taken", position=1
        ),
    }
