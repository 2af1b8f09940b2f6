"""Tests: real PostgreSQL and Redis on this machine, overridable by environment."""

import tempfile

from .base import *  # noqa: F403
from .base import CACHE_OPTIONS, CELERY_BEAT_SCHEDULE, CELERY_VISIBILITY_TIMEOUT, env

SECRET_KEY = "test-key-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/faelleskurv"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/1")
CACHES = {
    "default": {
        "BACKEND": "marketplace.cache_backends.FailSafeRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="fk-test"),
        "OPTIONS": CACHE_OPTIONS,
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Tasks run in-process unless a test starts a real worker (see tests/conftest.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE = CELERY_BEAT_SCHEDULE

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_DOMAIN = "faelleskurv.test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="fk-media-")
EINVOICE_OUTBOX_DIR = tempfile.mkdtemp(prefix="fk-einvoice-outbox-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
