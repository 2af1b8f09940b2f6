"""`make run` stops cleanly on Ctrl-C: worker and beat shut down warm, none is SIGKILLed (11.20)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.worker
def test_ctrl_c_stops_worker_and_beat_without_a_sigkill(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.local",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PYTHONUNBUFFERED="1",
    )
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "marketplace.devserver", "worker", "beat"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log_path.read_text() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.5)
        assert "ready." in log_path.read_text(), log_path.read_text()[-3000:]
        time.sleep(2)  # beat has started too

        # Ctrl-C in the terminal: SIGINT to the whole foreground process group
        started = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=40)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = log_path.read_text()
    assert "SIGKILL" not in output, output[-3000:]
    assert took < 25, took
    # nothing is left running in the group
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
