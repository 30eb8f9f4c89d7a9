from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from rightsdesk.core.services import worker_heartbeat_record


@pytest.mark.django_db
def test_healthy_with_a_fresh_worker_heartbeat(client: Client):
    worker_heartbeat_record(worker_id="w1", now=timezone.now() - timedelta(seconds=4))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "applied"
    assert body["worker"]["status"] == "ok"
    assert 3.5 <= body["worker"]["heartbeat_age_seconds"] <= 10
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_degraded_without_a_worker(client: Client):
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["worker"] == {"status": "stale", "heartbeat_age_seconds": None}


@pytest.mark.django_db
def test_degraded_when_the_heartbeat_is_old(client: Client):
    worker_heartbeat_record(worker_id="w1", now=timezone.now() - timedelta(minutes=5))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"]["status"] == "stale"


@pytest.mark.django_db
def test_failing_when_migrations_are_pending(client: Client, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [object()])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"
    assert response.json()["status"] == "failing"


@pytest.mark.django_db
def test_failing_when_the_database_is_unreachable(client: Client, monkeypatch: pytest.MonkeyPatch):
    def unreachable(self: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
