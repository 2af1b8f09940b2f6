"""Settings of the worker fulfilment/tests/test_worker_killed.py SIGKILLs: e-mail to files, slowly."""

from marketplace.settings.test import *  # noqa: F403
from marketplace.settings.test import env

EMAIL_BACKEND = "tests.slow_mail.EmailBackend"
EMAIL_FILE_PATH = env.str("TEST_MAIL_DIR")
# Tasks the worker enqueues itself (the split's follow-ups) go to the queue it consumes.
CELERY_TASK_DEFAULT_QUEUE = env.str("TEST_WORKER_QUEUE")
