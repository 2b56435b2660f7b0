import pytest

from core import health

pytestmark = pytest.mark.django_db


def test_healthz_ok_without_redirect(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["state"] == "up"


def test_healthz_degraded_when_cache_or_broker_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_cache", lambda: ("down", "ConnectionError"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["state"] == "down"


def test_healthz_503_when_database_down(client, monkeypatch):
    monkeypatch.setattr(health, "check_database", lambda: ("down", "OperationalError"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"


def test_healthz_reports_real_redis_outage(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    settings.HEALTHCHECK_TIMEOUT_SECONDS = 0.2
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"]["state"] == "down"


def test_healthz_lists_worker_beat_and_outbox(client):
    checks = client.get("/healthz").json()["checks"]
    assert set(checks) == {"database", "cache", "broker", "worker", "beat", "outbox"}
    assert checks["outbox"]["state"] == "up"


def test_healthz_degraded_with_an_old_outbox_message_and_says_since_when(client):
    from datetime import timedelta

    from django.utils import timezone

    from core.models import OutboxMessage

    OutboxMessage.objects.create(
        task_name="x", kwargs={}, created_at=timezone.now() - timedelta(hours=1)
    )
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["state"] == "degraded"
    assert body["checks"]["outbox"]["since"]


def test_healthz_degraded_without_a_worker_or_beat(client, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "_ask_workers", lambda: ("down", "no worker answered"))
    health._local_worker.clear()
    from django.core.cache import cache

    cache.delete(health.WORKER_KEY)
    cache.delete(health.BEAT_KEY)
    monkeypatch.setattr(health, "check_broker", lambda: ("up", "redis"))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded"
    assert body["checks"]["worker"]["state"] == "down"
    assert body["checks"]["beat"]["state"] != "up"


def test_a_hung_database_costs_the_probe_one_timeout(settings, monkeypatch):
    import threading

    release = threading.Event()
    monkeypatch.setattr(health, "_database_probe", lambda: release.wait(5))
    settings.HEALTHCHECK_TIMEOUT_SECONDS = 0.2
    try:
        state, detail = health.check_database()
    finally:
        release.set()
    assert state == "down"
    assert "0.2" in detail


def test_healthz_page_for_people(client):
    response = client.get("/healthz", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>" in page
    assert 'data-status="ok"' in page
