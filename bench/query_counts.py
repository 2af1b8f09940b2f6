#!/usr/bin/env python
"""SQL queries per storefront page at N=200 and N=2000 products.

    bench/gen_catalogue.py --products 200 && bench/gen_catalogue.py   # once
    bench/query_counts.py [--sizes 200 2000]

Like the stock-Oscar anchor's counts.sh: django.test.Client without cookies,
the count of a warm request (after two that make thumbnails, store the mini-basket etc.).
Four columns per size:
  no cache  every storefront cache off (STOREFRONT_CACHE_SECONDS=0): all the page's own queries
  render    page cache off, menus and filter choices from Redis: a page-cache miss
  cached    anonymous visitor, page served from the Redis page cache
  signed-in a signed-in customer (never page-cached; Oscar's layout adds session/basket queries)
Counts include transaction statements if any (the storefront views run without ATOMIC_REQUESTS).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import PYTHON, ROOT, django_env, run  # noqa: E402

MEASURE = r"""
import json, django
django.setup()
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from marketplace.demo import CUSTOMER_EMAIL
from marketplace.storefront_cache import storefront_version_bump
from _pages import bench_pages

def count(client, url):
    for _ in range(2):  # warm; a signed-in first page after a cart change also stores the mini-basket
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)

pages = {k: v for k, v in bench_pages().items() if k != "ceiling"}
result = {}
storefront_version_bump()
settings.STOREFRONT_CACHE_SECONDS = 0
result["no cache"] = {name: count(Client(), url) for name, url in pages.items()}
settings.STOREFRONT_CACHE_SECONDS = 5
settings.STOREFRONT_PAGE_CACHE = False
result["render"] = {name: count(Client(), url) for name, url in pages.items()}
settings.STOREFRONT_PAGE_CACHE = True
cached = {}
for name, url in pages.items():
    Client().get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url)
    cached[name] = len(ctx.captured_queries)
result["cached"] = cached
client = Client()
client.force_login(get_user_model().objects.get(email=CUSTOMER_EMAIL))
result["signed-in"] = {name: count(client, url) for name, url in pages.items()}
result["pages"] = pages
print(json.dumps(result))
"""


def measure(products: int) -> dict:
    env = django_env(products)
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    # Production settings use the manifest static storage: on a fresh machine the pages need it built.
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    done = subprocess.run([PYTHON, "-c", MEASURE], cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"query count on N={products} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description="SQL queries per storefront page")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args()
    results = {n: measure(n) for n in args.sizes}
    modes = ("no cache", "render", "cached", "signed-in")
    header = "| page | " + " | ".join(f"{m} N={n}" for m in modes for n in args.sizes) + " | same at all N |"
    print(header)
    print("|---|" + "---:|" * (len(modes) * len(args.sizes)) + "---|")
    for page in results[args.sizes[0]]["cached"]:
        cells = [str(results[n][m][page]) for m in modes for n in args.sizes]
        same = all(len({results[n][m][page] for n in args.sizes}) == 1 for m in modes)
        print(f"| {page} | " + " | ".join(cells) + f" | {'yes' if same else 'NO'} |")
    print()
    for n in args.sizes:
        print(f"N={n}: " + ", ".join(f"{k}={v}" for k, v in results[n]["pages"].items()))


if __name__ == "__main__":
    main()
