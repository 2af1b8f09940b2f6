"""Health checks: what the web process can reach right now."""

import uuid

from django.core.cache import cache
from django.db import connection

from marketplace.celery import app as celery_app


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    key = f"healthz-{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
    return "ok"


def check_worker(*, timeout: float = 10.0) -> str:
    """Enqueue a ping and wait for a worker process to answer it."""
    from marketplace.tasks import ping

    token = uuid.uuid4().hex
    answer = ping.delay(token).get(timeout=timeout)
    if answer != f"pong:{token}":
        raise RuntimeError(f"unexpected answer {answer!r}")
    return "ok"


def health_report(*, with_worker: bool) -> dict[str, str]:
    checks = {"database": check_database, "cache": check_cache, "broker": check_broker}
    if with_worker:
        checks["worker"] = check_worker
    report = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - a health page reports, it does not raise
            report[name] = f"error: {exc.__class__.__name__}: {exc}"
    report["beat_last_run"] = cache.get("celery-beat-heartbeat") or "never"
    return report
