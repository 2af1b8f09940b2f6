#!/usr/bin/env python
"""Where a signed-in page's time goes: pyinstrument over N renders of a page (bench DB, production settings).

    bench/gen_catalogue.py               # once: fk_bench_n2000
    bench/profile_signed_in.py [--page catalogue] [--requests 30]
    bench/profile_signed_in.py --page catalogue,category,product,composer --no-profile

Runs the Django test client in-process as the demo customer with a 3-line cart and a
gift basket (as `serve_and_wrk.py --modes signed-in`) and prints pyinstrument's
summary of the slowest frames, plus the mean milliseconds per request.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import PYTHON, ROOT, django_env, run  # noqa: E402

PROFILE = r"""
import sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from pyinstrument import Profiler
from marketplace.demo import CUSTOMER_EMAIL
from _pages import bench_pages, signed_in_cookie
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connection

# Count Redis round trips (every RedisCacheClient call is one command or one MGET/pipeline).
redis_calls = [0]
for method in ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "touch", "incr"):
    def counting(self, *args, _original=getattr(RedisCacheClient, method), **kwargs):
        redis_calls[0] += 1
        return _original(self, *args, **kwargs)
    setattr(RedisCacheClient, method, counting)

pages, requests, profile = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3] == "1"
signed_in_cookie()  # the demo customer's bench cart: 3 products and a gift basket
client = Client()
client.force_login(get_user_model().objects.get(email=CUSTOMER_EMAIL))
for page in pages:
    url = bench_pages()[page]
    for _ in range(3):
        assert client.get(url).status_code == 200
    redis_calls[0], queries = 0, []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    round_trips = redis_calls[0]
    profiler = Profiler(interval=0.0005)
    start, cpu_start = time.perf_counter(), time.process_time()
    if profile:
        profiler.start()
    for _ in range(requests):
        client.get(url)
    if profile:
        profiler.stop()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"{page} {url}: {elapsed / requests * 1000:.1f} ms per request, {cpu / requests * 1000:.1f} ms CPU"
          f" of the Django process, {len(queries)} SQL queries, {round_trips} Redis round trips"
          f" (signed in, {requests} requests)")
    if profile:
        print(profiler.output_text(unicode=False, color=False, time="percent_of_total", short_mode=True))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="catalogue", help="a page of bench/_pages.py, or several: a,b")
    parser.add_argument("--no-profile", action="store_true", help="only the milliseconds per request")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    env = django_env(args.products)
    # Production settings serve hashed static names: the manifest must exist.
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    subprocess.run(
        [PYTHON, "-c", PROFILE, args.page, str(args.requests), "0" if args.no_profile else "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
