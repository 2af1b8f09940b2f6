"""Fixtures every app's tests may use: demo data, a real Celery worker, a browser."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# that tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Danish), whatever an earlier test's request activated.

    Django keeps the language a request activated on the thread; a service called directly
    after an English page would otherwise answer in English, depending on test order.
    """
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_data(db):
    """The `seed_demo` data set: 6 vendors, their products and the demo logins."""
    from marketplace.demo import demo_seed

    demo_seed()


@pytest.fixture
def shop(db):
    """A small shop built with factories (tests/factories.py): what unit tests use instead of `demo_data`."""
    from tests.factories import small_shop

    return small_shop()


@pytest.fixture
def shop_with_pictures(db):
    """The factory shop with a small picture for every product (in the test run's MEDIA_ROOT)."""
    from tests.factories import small_shop

    return small_shop(images=True)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on Redis, reading the test database.

    Tests that use it must commit their data (transactional_db) and switch off
    eager mode with the `celery_real` fixture below.
    """
    from django.conf import settings

    from marketplace.celery import app

    queue = f"fk-test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    database_url = (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    log = open(ROOT / f".celery-worker-{queue}.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            f"{queue}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        log.seek(0)
        if "ready." in log.read():
            break
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("Celery worker did not start in 60 s")
    if proc.poll() is not None:
        log.seek(0)
        raise RuntimeError(f"Celery worker exited:\n{log.read()}")
    yield {"queue": queue, "process": proc, "log": log}
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    Path(log.name).unlink(missing_ok=True)
    app.conf.task_default_queue = "celery"


@pytest.fixture
def celery_real(celery_worker_process):
    """Send tasks to the real worker instead of running them in-process."""
    from marketplace.celery import app

    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = celery_worker_process["queue"]
    yield celery_worker_process
    app.conf.task_always_eager, app.conf.task_default_queue = old


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright (no downloaded browsers)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a screenshot lands in test-artifacts/ on the way out."""
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    except Exception:  # noqa: BLE001 - a missing screenshot must not hide the test's own result
        pass
    context.close()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    yield settings.MEDIA_ROOT
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def stripe_double(settings):
    """The local Stripe double (stripe_double/) on a free port, with settings pointing at it.

    The returned StripeDouble exposes `requests` (every API call with its params and
    idempotency key), `objects` (by kind: "transfer", "refund", "account", ...),
    `events`, `deliveries`, `account_complete(id)` and `signed(event)`. Set
    `stripe_double.webhook_url` (e.g. to live_server.url + "/payments/stripe/webhook/")
    to have events delivered as signed webhooks.
    """
    from stripe_double import StripeDouble

    # Failed webhooks are redelivered like Stripe does, on a fast schedule (0.2 s, 0.4 s, ...).
    double = StripeDouble(
        webhook_secret="whsec_test_double", webhook_retry_delays=(0.2, 0.4, 0.8, 1.6)
    ).start()
    settings.STRIPE_API_BASE = double.url
    settings.STRIPE_SECRET_KEY = "sk_test_double"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_double"
    settings.STRIPE_WEBHOOK_SECRET = double.webhook_secret
    yield double
    double.wait_for_webhooks(5)
    double.stop()


@contextmanager
def celery_broker_unreachable():
    """Celery really sends tasks (no eager mode) to a broker on a closed port, as when Redis is down."""
    from marketplace.celery import app

    def fresh_pools():
        app._pool = None
        app.amqp._producer_pool = None

    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.task_always_eager = False
    fresh_pools()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
        fresh_pools()


@pytest.fixture
def broker_unreachable():
    with celery_broker_unreachable():
        yield
