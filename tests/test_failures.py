"""Failures the shop survives (issue 17): a dead cache, broker or worker is a 503 line, a miss, a sweep."""

import pytest

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def cache_down(settings):
    """The default cache pointed at a closed port, with the backend the settings use."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": CLOSED, "KEY_PREFIX": "fk-down"},
    }
    yield


@pytest.fixture
def broker_down():
    from marketplace.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = CLOSED
    yield
    app.conf.broker_url = old


@pytest.mark.django_db
def test_health_page_answers_503_naming_the_cache_when_redis_is_down(client, cache_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["failing"] == ["cache"]
    assert report["cache"].startswith("error: ConnectionError")
    assert report["database"] == "ok"
    assert report["broker"] == "ok"
    assert report["beat_last_run"].startswith("unknown")


@pytest.mark.django_db
def test_health_page_names_every_failing_dependency(client, cache_down, broker_down):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["failing"] == ["cache", "broker"]
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_page_answers_200_with_nothing_failing(client):
    response = client.get("/healthz")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"
    assert response.json()["failing"] == []
