"""Shared bits of the bench scripts: paths, database URLs, Django setup in a subprocess-friendly way."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "/tmp/fk_bench/media")
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT", "/tmp/fk_bench/static")
# Database names are <prefix>_n<N> (and <prefix>_orders): another prefix keeps parallel runs apart.
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "fk_bench")


def database_name(products: int) -> str:
    return f"{DB_PREFIX}_n{products}"


def database_url(products: int) -> str:
    return f"{PG_SERVER}/{database_name(products)}"


def django_env(products: int, **extra) -> dict:
    """Environment for a Django process on the bench database of N products."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # Production settings (DEBUG off), without the HTTPS redirect so wrk can speak plain HTTP.
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        DJANGO_SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="False",
        DJANGO_CONN_MAX_AGE="60",
        DJANGO_STATIC_ROOT=STATIC_ROOT,
        BENCH_CEILING_VIEW="True",
        DATABASE_URL=database_url(products),
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"bench-n{products}",
        DJANGO_MEDIA_ROOT=MEDIA_ROOT,
        PYTHONPATH=str(ROOT),
        PYTHONWARNINGS="ignore",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(args, env, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, **kwargs)
