#!/usr/bin/env python
"""Create the bench database of N products (default 2000) from the six demo vendors.

    bench/gen_catalogue.py                 # fk_bench_n2000
    bench/gen_catalogue.py --products 200  # fk_bench_n200

Drops and recreates the PostgreSQL database fk_bench_n<N>, migrates, seeds the
demo data (6 vendors, their products, baskets, logins) and tops the catalogue
up to N public products (marketplace/oscar_apps/catalogue/generator.py).
Env: BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_DB_PREFIX (fk_bench), BENCH_REDIS_URL,
BENCH_MEDIA_ROOT.
"""

import argparse
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import PG_SERVER, PYTHON, database_name, django_env, run  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    name = database_name(args.products)
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = django_env(args.products)
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    # The bench runs production settings on a throw-away database: the demo seed is intended here.
    run([PYTHON, "manage.py", "seed_demo", "--allow-production"], env, capture_output=True)
    code = (
        "import django; django.setup();"
        "from marketplace.oscar_apps.catalogue.generator import catalogue_generate;"
        f"added = catalogue_generate(products={args.products});"
        "from oscar.core.loading import get_model;"
        "print(get_model('catalogue', 'Product').objects.count(), 'products,', added, 'generated')"
    )
    run([PYTHON, "-c", code], env)
    # A production database has planner statistics (autovacuum); a freshly
    # bulk-loaded one has none until autovacuum gets to it, and then Postgres
    # plans the storefront's EXISTS filters as nested loops (166 ms instead of
    # 3.5 ms for a vendor page at N=2000). Measure the steady state.
    with psycopg.connect(f"{PG_SERVER}/{name}", autocommit=True) as conn:
        conn.execute("ANALYZE")
    print(f"{name} ready")


if __name__ == "__main__":
    main()
