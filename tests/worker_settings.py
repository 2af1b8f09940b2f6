"""Settings of the workers the fault tests SIGKILL (fulfilment/tests/workers.py): e-mail to files.

TEST_MAIL_HANG (default true): the first e-mail hangs (tests.slow_mail), so a test can kill the
worker in the middle of the pick lists. TEST_SWEEP_EVERY: run, as beat's only entry, the follow-up
sweep every so many seconds (with FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS from the environment).
"""

from marketplace.settings.test import *  # noqa: F403
from marketplace.settings.test import env

EMAIL_BACKEND = (
    "tests.slow_mail.EmailBackend"
    if env.bool("TEST_MAIL_HANG", default=True)
    else "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.str("TEST_MAIL_DIR")
# Tasks the worker enqueues itself (the split's follow-ups) go to the queue it consumes.
CELERY_TASK_DEFAULT_QUEUE = env.str("TEST_WORKER_QUEUE")
if env.str("TEST_SWEEP_EVERY", default=""):
    CELERY_BEAT_SCHEDULE = {
        "fulfilment-follow-ups-sweep": {
            "task": "fulfilment.follow_ups_sweep",
            "schedule": env.float("TEST_SWEEP_EVERY"),
        },
    }
