"""A worker child SIGKILLed during the pick-list task: the task runs again, each e-mail goes once (17.4)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from oscar.core.loading import get_model

from fulfilment.emails import PICK_LISTS_EVENT
from fulfilment.tests.factories import place_order
from fulfilment.tests.test_payouts import BASKET
from vendors.models import VendorOrder

CommunicationEvent = get_model("order", "CommunicationEvent")
ROOT = Path(__file__).resolve().parent.parent.parent


def _wait(predicate, *, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


@pytest.fixture
def prefork_worker(tmp_path, settings):
    """A prefork worker (one child) on a queue of its own, e-mailing to files through tests.slow_mail."""
    from marketplace.celery import app

    queue = f"fk-killed-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_MAIL_DIR": str(mail_dir),
        "TEST_WORKER_QUEUE": queue,
    }
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--pool=prefork",
             "--concurrency=1", "--loglevel=INFO", "-Q", queue, "-n", f"{queue}@%h",
             "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    _wait(lambda: "ready." in log_path.read_text() or proc.poll() is not None,
          seconds=60, what="the worker to be ready")
    assert proc.poll() is None, log_path.read_text()
    old = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    yield {"mail_dir": mail_dir, "log": log_path}
    app.conf.task_always_eager, app.conf.task_default_queue = old
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_child_killed_while_sending_pick_lists_sends_them_once_after_redelivery(
    demo_vendors, prefork_worker
):
    mail_dir = prefork_worker["mail_dir"]
    # given: an order whose split (and so its pick-list task) runs in the real worker
    order = place_order(baskets=[("kurv", BASKET)])

    # when: the worker's child process is SIGKILLed in the middle of sending the pick lists
    marker = mail_dir / "sending.pid"
    _wait(marker.exists, seconds=60, what="the pick-list task to start sending")
    time.sleep(0.2)
    os.kill(int(marker.read_text()), signal.SIGKILL)

    # then: Celery puts the task back (reject_on_worker_lost), a new child sends each e-mail once
    _wait(
        lambda: CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).exists(),
        seconds=90, what="the pick lists to be sent after the kill",
    )
    log = prefork_worker["log"].read_text()
    assert "WorkerLostError" in log or "SIGKILL" in log, log[-3000:]
    vendors = VendorOrder.objects.filter(order=order).count()
    sent = [p for p in mail_dir.iterdir() if p.suffix == ".log"]
    messages = sum(p.read_text().count("\nSubject: ") + p.read_text().startswith("Subject: ") for p in sent)
    assert messages == vendors + 1  # one pick list per vendor and the hub's assembly plan, each once
    assert CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).count() == 1
