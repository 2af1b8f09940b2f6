"""One way out of a transaction (issue 12.4): a task goes to the broker after commit, never on
rollback, and a dead broker is a logged warning for the sweep, never an error for the caller."""

import logging

import pytest
from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

from marketplace.tasks_enqueue import enqueue_on_commit

RAN: list[tuple] = []


@shared_task(name="tests.enqueue_record")
def record_task(*args, **kwargs):
    RAN.append((args, kwargs))


@shared_task(name="tests.enqueue_fail")
def failing_task():
    raise ValueError("the task itself is broken")


@pytest.fixture(autouse=True)
def _clear():
    RAN.clear()


@pytest.mark.django_db(transaction=True)
def test_task_runs_once_after_commit_and_not_before():
    with transaction.atomic():
        enqueue_on_commit(record_task, 7, kind="invoice")
        assert RAN == []  # nothing is sent while the data may still roll back

    assert RAN == [((7,), {"kind": "invoice"})]


@pytest.mark.django_db(transaction=True)
def test_task_is_not_sent_when_the_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(record_task, 7)
        raise RuntimeError("the service failed")

    assert RAN == []


@pytest.mark.django_db(transaction=True)
def test_dead_broker_is_logged_and_swallowed_and_on_failure_hears_of_it(broker_unreachable, caplog):
    failures = []

    with caplog.at_level(logging.WARNING, logger="marketplace.tasks_enqueue"), transaction.atomic():
        enqueue_on_commit(record_task, 7, on_failure=failures.append)

    assert RAN == []
    assert [type(exc) for exc in failures] == [BrokerUnreachable]
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warning) == 1
    assert "tests.enqueue_record(7,)" in warning[0].getMessage()
    assert "broker unreachable" in warning[0].getMessage()


@pytest.mark.django_db(transaction=True)
def test_in_eager_mode_a_broken_task_still_fails_the_test():
    with pytest.raises(ValueError, match="the task itself is broken"), transaction.atomic():
        enqueue_on_commit(failing_task)
