"""Real prefork Celery workers for fault-injection tests, and the processes to SIGKILL in them.

`fulfilment/tests/conftest.py` exposes `PreforkWorkers` as the `prefork_workers` fixture. A
worker runs `tests.worker_settings` on a queue of its own, against the test database; it
e-mails to files (a first send that hangs unless `hang_mail=False`), and with `sweep_every`
it runs beat with only the follow-up sweep, on a short schedule.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def wait_until(predicate, *, seconds: float, what: str, every: float = 0.2):
    """Poll `predicate` until it returns something truthy; fail after `seconds` (no tight sleeps)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def parent_pid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def child_pids(pid: int) -> list[int]:
    """The live child processes of `pid` (from /proc; the pool processes of a prefork worker)."""
    return sorted(
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and parent_pid(int(p.name)) == pid
    )


def pid_of_tcp_client(port: int) -> int | None:
    """The process that owns the local TCP socket on `port` (the client of a connection we serve)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in inodes:
                    return int(proc.name)
            except OSError:
                continue
    return None


class Worker:
    def __init__(self, proc: subprocess.Popen, log: Path, queue: str):
        self.proc, self.log, self.queue = proc, log, queue

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_text(self) -> str:
        return self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for child in child_pids(self.pid):  # pool processes orphaned by a SIGKILLed parent
            try:
                os.kill(child, 9)
            except ProcessLookupError:
                pass


class PreforkWorkers:
    """Starts workers (each with one pool process) on one queue; tasks the test sends go there too."""

    def __init__(self, tmp_path: Path, database: dict):
        self.tmp_path = tmp_path
        self.queue = f"fk-killed-{uuid.uuid4().hex[:8]}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.database_url = (
            f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
        self.workers: list[Worker] = []
        self._old_conf = None

    def start(
        self, *, hang_mail: bool = True, sweep_every: float | None = None, env: dict | None = None
    ) -> Worker:
        from marketplace.celery import app

        number = len(self.workers) + 1
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": self.database_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "TEST_MAIL_DIR": str(self.mail_dir),
            "TEST_MAIL_HANG": "true" if hang_mail else "false",
            "TEST_WORKER_QUEUE": self.queue,
            **(env or {}),
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{number}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if sweep_every is not None:
            environment["TEST_SWEEP_EVERY"] = str(sweep_every)
            command += ["-B", "-s", str(self.tmp_path / f"beat-schedule-{number}")]
        log = self.tmp_path / f"worker-{number}.log"
        with open(log, "w") as handle:
            proc = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=handle, stderr=subprocess.STDOUT
            )
        worker = Worker(proc, log, self.queue)
        self.workers.append(worker)
        wait_until(
            lambda: "ready." in worker.log_text() or proc.poll() is not None,
            seconds=60,
            what=f"worker {number} to be ready",
        )
        assert proc.poll() is None, worker.log_text()
        if self._old_conf is None:
            self._old_conf = (app.conf.task_always_eager, app.conf.task_default_queue)
            app.conf.task_always_eager, app.conf.task_default_queue = False, self.queue
        return worker

    def stop(self) -> None:
        from marketplace.celery import app

        if self._old_conf is not None:
            app.conf.task_always_eager, app.conf.task_default_queue = self._old_conf
        for worker in self.workers:
            worker.stop()
