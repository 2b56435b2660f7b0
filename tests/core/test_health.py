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
