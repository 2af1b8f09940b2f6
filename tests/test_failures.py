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


# --- 17.2: a Redis outage is a cache miss ---------------------------------------


class OwnRedis:
    """A redis-server of the test's own, on a free port, that the test can stop and start again."""

    def __init__(self):
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        import subprocess
        import time

        import redis

        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return self
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        import time

        self.process.kill()
        self.process.wait(timeout=10)
        time.sleep(2.1)  # past the fail-safe cache's back-off from any earlier failure


@pytest.fixture
def own_redis(settings):
    """The default cache on a Redis of the test's own (the broker stays where it is: eager tasks)."""
    server = OwnRedis().start()
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait(timeout=10)


def _storefront_pages_render(product):
    """Anonymous (page cache path) and the buyer's own pages: all 200 and showing the product."""
    from django.test import Client

    anonymous = Client()
    search = f"/da/search/?q={product.title.split()[0]}"
    for url in ["/da/catalogue/", product.get_absolute_url(), search]:
        response = anonymous.get(url, follow=True)
        assert response.status_code == 200, url
        assert product.title in response.content.decode(), url
    # The front page shows ready-made baskets, not single products: it renders, with its baskets.
    front = anonymous.get("/da/")
    assert front.status_code == 200 and 'data-testid="front-basket"' in front.content.decode()


@pytest.mark.django_db(transaction=True)
def test_redis_down_during_checkout_still_places_the_paid_order_once_and_the_shop_renders(
    client, own_redis, stripe_double, shop
):
    from django.core import mail
    from oscar.core.loading import get_model

    from marketplace import storefront_cache
    from payments.tests.conftest import (
        checkout_to_preview,
        deliver,
        place_order,
        return_from_stripe,
        session_id_from,
    )

    Order = get_model("order", "Order")
    product = get_model("catalogue", "Product").objects.get(upc="HF-VIN-01")
    _storefront_pages_render(product)
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))
    assert stripe_double.pay(session_id) == "success"

    # Redis dies between the payment and the buyer's return.
    own_redis.stop()
    response = return_from_stripe(client, stripe_double, session_id)
    for event in stripe_double.events:
        assert deliver(client, stripe_double, event).status_code == 200

    assert response.status_code == 302 and response["Location"].endswith("/checkout/thank-you/")
    assert client.get(response["Location"]).status_code == 200
    order = Order.objects.get()
    assert order.status == "Paid"
    sent = len(mail.outbox)
    assert [m.to for m in mail.outbox].count(["guest@example.dk"]) == 1
    assert storefront_cache.storefront_version_bump_pending()
    _storefront_pages_render(product)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["failing"] == ["cache"]

    # Redis is back: the pending bump is applied, pages are cached again, nothing was placed twice.
    own_redis.start()
    import time

    from marketplace import cache_backends

    time.sleep(max(cache_backends.RETRY_AFTER_SECONDS, storefront_cache.BUMP_RETRY_SECONDS) + 0.1)
    _storefront_pages_render(product)
    assert not storefront_cache.storefront_version_bump_pending()
    from django.test import Client

    assert Client().get("/da/catalogue/")["X-Storefront-Cache"] == "hit"
    assert client.get("/healthz").status_code == 200
    assert Order.objects.count() == 1
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_a_version_bump_lost_while_redis_was_down_is_applied_by_the_beat_heartbeat(own_redis):
    import time

    from django.core.cache import cache

    from marketplace import cache_backends, storefront_cache
    from marketplace.tasks import heartbeat

    before = storefront_cache.storefront_version_bump()
    assert cache.get(storefront_cache.VERSION_KEY) == before
    own_redis.stop()

    storefront_cache.storefront_version_bump()  # e.g. a price change saved while Redis is down
    assert storefront_cache.storefront_version_bump_pending()
    assert cache.get(storefront_cache.VERSION_KEY) is None  # a miss, not an error

    own_redis.start()
    time.sleep(max(cache_backends.RETRY_AFTER_SECONDS, storefront_cache.BUMP_RETRY_SECONDS) + 0.1)
    heartbeat()

    assert not storefront_cache.storefront_version_bump_pending()
    assert cache.get(storefront_cache.VERSION_KEY) not in (None, before)
