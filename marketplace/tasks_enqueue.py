"""One way out of a transaction: enqueue a Celery task after commit, surviving a dead broker.

Every follow-up a task does has a state row and a beat sweep (CONTRIBUTING.md), so a task the
broker never received is late, not lost. The request that committed the data must not answer
500 for it: the broker's error is logged and swallowed here, and the sweep does the work.
"""

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnreachable

logger = logging.getLogger(__name__)


def enqueue_on_commit(
    task: Task, /, *args: Any, on_failure: Callable[[Exception], None] | None = None, **kwargs: Any
) -> None:
    """Send `task(*args, **kwargs)` once the current transaction commits; never if it rolls back.

    Outside a transaction it is sent at once. `on_failure(exc)` runs when the broker refused it
    (e.g. to note the error on the state row the sweep reads).
    """
    transaction.on_commit(partial(enqueue, task, *args, on_failure=on_failure, **kwargs))


def enqueue(
    task: Task, /, *args: Any, on_failure: Callable[[Exception], None] | None = None, **kwargs: Any
) -> bool:
    """Send `task` now; False (logged) when it could not be handed over. For on-commit callbacks."""
    error: Exception
    try:
        task.apply_async(args=args, kwargs=kwargs or None, retry=False)
        return True
    except BrokerUnreachable as exc:
        logger.warning(
            "Could not enqueue %s%r: broker unreachable (%s); its sweep will do it", task.name, args, exc
        )
        error = exc
    except Exception as exc:
        if task.app.conf.task_always_eager:
            raise  # the task itself ran in-process (tests) and failed: let the test see it
        logger.exception("Could not enqueue %s%r; its sweep will do it", task.name, args)
        error = exc
    if on_failure is not None:
        on_failure(error)
    return False
