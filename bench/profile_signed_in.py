#!/usr/bin/env python
"""Where a signed-in page's time goes: pyinstrument over N renders of a page (bench DB, production settings).

    bench/gen_catalogue.py               # once: fk_bench_n2000
    bench/profile_signed_in.py [--page catalogue] [--requests 30]

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
page, requests = sys.argv[1], int(sys.argv[2])
url = bench_pages()[page]
signed_in_cookie()  # the demo customer's bench cart: 3 products and a gift basket
client = Client()
client.force_login(get_user_model().objects.get(email=CUSTOMER_EMAIL))
for _ in range(3):
    assert client.get(url).status_code == 200
profiler = Profiler(interval=0.0005)
start = time.perf_counter()
profiler.start()
for _ in range(requests):
    client.get(url)
profiler.stop()
elapsed = time.perf_counter() - start
print(f"{page} {url}: {elapsed / requests * 1000:.1f} ms per request (signed in, {requests} requests)")
print(profiler.output_text(unicode=False, color=False, time="percent_of_total", short_mode=True))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="catalogue")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    env = django_env(args.products)
    # Production settings serve hashed static names: the manifest must exist.
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    subprocess.run(
        [PYTHON, "-c", PROFILE, args.page, str(args.requests)], cwd=ROOT, env=env, check=True
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
