"""Benchmark: plan the sourcing of a large bulk order (8 items over 20 vendors with capacities).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench_sourcing python bench/sourcing.py 200 2000

Needs a migrated database (run `manage.py migrate` against it once). Creates 8 products
offered by 20 enterprises each (stock and a weekly capacity with lead times, some capacity
already promised), then for each number of baskets: `sourcing_plan` (load + solve),
`largest_feasible_baskets` and `earliest_date_for`, printing seconds and SQL queries. The
query counts must be the same for every number of baskets.
"""

import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from supply.models import CapacityReservation, OfferCapacity, week_start  # noqa: E402
from supply.sourcing import earliest_date_for, largest_feasible_baskets, sourcing_plan  # noqa: E402

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

ITEMS = 8
VENDORS = 20
PREFIX = "BENCH-SRC"


def catalogue() -> dict[int, int]:
    """8 products x 20 offers with stock and capacity; returns {product id: units per basket}."""
    existing = list(
        Product.objects.filter(upc__startswith=PREFIX).order_by("upc").values_list("pk", flat=True)
    )
    if len(existing) == ITEMS:
        return {pk: 1 + i % 2 for i, pk in enumerate(existing)}
    rng = random.Random(13)
    today = datetime.date.today()
    with transaction.atomic():
        product_class, _ = ProductClass.objects.get_or_create(name="Fødevare", defaults={"track_stock": True})
        partners = [
            Partner.objects.get_or_create(code=f"bench-src-{v}", defaults={"name": f"Bench værksted {v}"})[0]
            for v in range(VENDORS)
        ]
        products = [
            Product.objects.create(upc=f"{PREFIX}-{i}", title=f"Bench-vare {i}", product_class=product_class)
            for i in range(ITEMS)
        ]
        records = StockRecord.objects.bulk_create(
            [
                StockRecord(
                    product=product,
                    partner=partner,
                    partner_sku=f"{PREFIX}-{i}-{v}",
                    price=Decimal("40.00") + v,
                    num_in_stock=rng.randint(0, 60),
                    num_allocated=0,
                )
                for i, product in enumerate(products)
                for v, partner in enumerate(partners)
            ]
        )
        OfferCapacity.objects.bulk_create(
            [
                OfferCapacity(
                    stockrecord=r,
                    units_per_week=rng.choice([0, 20, 40, 60, 100]),
                    lead_time_days=rng.choice([0, 7, 14]),
                )
                for r in records
            ]
        )
        CapacityReservation.objects.bulk_create(
            [
                CapacityReservation(
                    stockrecord=r,
                    week=week_start(today) + datetime.timedelta(weeks=1),
                    units=10,
                    reference="bench",
                )
                for r in records[::3]
            ]
        )
    return {product.pk: 1 + i % 2 for i, product in enumerate(products)}


def measure(per_basket: dict[int, int], baskets: int) -> list[tuple[str, float, int, str]]:
    today = datetime.date.today()
    need_by = today + datetime.timedelta(weeks=8)
    demand = {pk: per * baskets for pk, per in per_basket.items()}
    rows = []
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        plan = sourcing_plan(demand, need_by=need_by, today=today)
        seconds = time.perf_counter() - start
    vendors = len({a.partner_id for item in plan.items.values() for a in item.allocations})
    short = sum(item.shortfall for item in plan.items.values())
    sourced = sum(item.sourced for item in plan.items.values())
    rows.append(
        (
            "sourcing_plan",
            seconds,
            len(ctx.captured_queries),
            f"{sourced} units from {vendors} vendors, short {short}",
        )
    )
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        largest = largest_feasible_baskets(per_basket, need_by=need_by, today=today)
        seconds = time.perf_counter() - start
    rows.append(
        ("largest_feasible_baskets", seconds, len(ctx.captured_queries), f"{largest} baskets by {need_by}")
    )
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        earliest = earliest_date_for(per_basket, baskets, today=today)
        seconds = time.perf_counter() - start
    rows.append(("earliest_date_for", seconds, len(ctx.captured_queries), f"all {baskets} by {earliest}"))
    return rows


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [200, 2000]
    per_basket = catalogue()
    print(f"{ITEMS} items x {VENDORS} vendors ({ITEMS * VENDORS} offers with stock and weekly capacity)")
    print("| baskets | step | seconds | SQL queries | result |")
    print("|---:|---|---:|---:|---|")
    counts = {}
    for baskets in sizes:
        for step, seconds, queries, result in measure(per_basket, baskets):
            counts.setdefault(step, set()).add(queries)
            print(f"| {baskets} | {step} | {seconds:.3f} | {queries} | {result} |")
    same = all(len(values) == 1 for values in counts.values())
    print(f"query counts the same for every number of baskets: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
