"""Health checks: what the web process can reach right now.

Every check runs inside its own try, so a dead dependency is a line in the
report (and a 503), never an exception out of the health page.
"""

import uuid

from django.core.cache import cache
from django.db import connection

from marketplace.celery import app as celery_app

# Keys of the report that are facts, not checks.
INFO_KEYS = frozenset({"beat_last_run", "status", "failing"})


def _strict_cache():
    """The cache as it really is: a fail-safe backend would report an outage as a miss."""
    return getattr(cache, "strict", cache)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    strict = _strict_cache()
    key = f"healthz-{uuid.uuid4().hex}"
    strict.set(key, "1", timeout=5)
    if strict.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    strict.delete(key)
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


def _beat_last_run() -> str:
    try:
        return _strict_cache().get("celery-beat-heartbeat") or "never"
    except Exception as exc:  # noqa: BLE001 - unknown while the cache is down
        return f"unknown: {exc.__class__.__name__}"


def health_report(*, with_worker: bool) -> dict:
    """Each dependency's status ("ok" or "error: ..."), `failing` names the broken ones."""
    checks = {"database": check_database, "cache": check_cache, "broker": check_broker}
    if with_worker:
        checks["worker"] = check_worker
    report: dict = {}
    for name, check in checks.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - a health page reports, it does not raise
            report[name] = f"error: {exc.__class__.__name__}: {exc}"
    failing = [name for name in checks if report[name] != "ok"]
    report["beat_last_run"] = _beat_last_run()
    report["status"] = "error" if failing else "ok"
    report["failing"] = failing
    return report
