"""Benchmark: split one big order (N gift baskets x 8 lines from 6 vendors) and count SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fk_bench python bench/split.py 50 500

Needs a migrated database; seeds the demo data if it is missing. The order is
written with bulk inserts (Oscar's OrderCreator would take minutes for 4,000
lines and is not what is measured); the split, the pick lists and the assembly
plan then run exactly as in production. The query counts must be the same for
every N: nothing runs a query per line or per basket.
"""

import os
import sys
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from oscar.core.loading import get_model  # noqa: E402

from fulfilment import selectors, services  # noqa: E402
from fulfilment.emails import order_pick_lists_send  # noqa: E402
from fulfilment.models import OrderSplitState, VendorOrder  # noqa: E402

Order = get_model("order", "Order")
Line = get_model("order", "Line")
LineAttribute = get_model("order", "LineAttribute")
Option = get_model("catalogue", "Option")
StockRecord = get_model("partner", "StockRecord")
Site = get_model("sites", "Site")

# 8 lines per basket from the 6 demo vendors (the hub's line is part of it).
BASKET = [
    "HF-VIN-01",
    "HF-HON-01",
    "RR-KAF-01",
    "SB-SMA-01",
    "SB-PEB-01",
    "TV-VIS-01",
    "LP-KRO-01",
    "VB-CHOK-01",
]
VAT = Decimal("1.25")


def _ensure_demo() -> None:
    if not StockRecord.objects.filter(partner_sku=BASKET[0]).exists():
        from marketplace.demo import demo_seed

        demo_seed()


@transaction.atomic
def order_create(*, baskets: int) -> Order:
    """An order as checkout would leave it: lines tagged with their gift basket, totals that add up."""
    records = {
        r.partner_sku: r
        for r in StockRecord.objects.filter(partner_sku__in=BASKET).select_related("product", "partner")
    }
    option, _created = Option.objects.get_or_create(
        code="gift-basket", defaults={"name": "Gavekurv", "type": "text"}
    )
    unit_excl = sum((records[sku].price for sku in BASKET), Decimal(0))
    unit_incl = sum(((records[sku].price * VAT).quantize(Decimal("0.01")) for sku in BASKET), Decimal(0))
    shipping = Decimal("59.00") * baskets
    number = f"BENCH-{baskets}-{time.time_ns()}"
    order = Order.objects.create(
        number=number,
        site=Site.objects.get_current(),
        currency="DKK",
        total_excl_tax=unit_excl * baskets + (shipping / VAT).quantize(Decimal("0.01")),
        total_incl_tax=unit_incl * baskets + shipping,
        shipping_incl_tax=shipping,
        shipping_excl_tax=(shipping / VAT).quantize(Decimal("0.01")),
        shipping_method="Levering",
        shipping_code="bench",
        status="Pending",
    )
    lines = []
    for _basket in range(baskets):
        for sku in BASKET:
            record = records[sku]
            excl, incl = record.price, (record.price * VAT).quantize(Decimal("0.01"))
            lines.append(
                Line(
                    order=order,
                    partner_id=record.partner_id,
                    partner_name=record.partner.name,
                    partner_sku=sku,
                    stockrecord=record,
                    product=record.product,
                    title=record.product.title,
                    upc=record.product.upc,
                    quantity=1,
                    num_allocated=1,
                    line_price_excl_tax=excl,
                    line_price_incl_tax=incl,
                    line_price_before_discounts_excl_tax=excl,
                    line_price_before_discounts_incl_tax=incl,
                    unit_price_excl_tax=excl,
                    unit_price_incl_tax=incl,
                    status="Pending",
                )
            )
    lines = Line.objects.bulk_create(lines, batch_size=2000)
    LineAttribute.objects.bulk_create(
        [
            LineAttribute(
                line=line, option=option, type="gift-basket", value=f"{number}-basket-{i // len(BASKET)}"
            )
            for i, line in enumerate(lines)
        ],
        batch_size=2000,
    )
    OrderSplitState.objects.create(order=order)
    return order


def measure(func):
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - start
    return result, elapsed, len(queries)


def main(sizes: list[int]) -> None:
    _ensure_demo()
    # The split's follow-ups (pick-list e-mails, payouts) are enqueued after commit in
    # production; here they are measured on their own below instead.
    services._after_split_enqueue = lambda **kwargs: None
    columns = ("baskets", "lines", "split s", "split q", "pick q", "plan q", "mail s", "mail q")
    print(" ".join(f"{c:>8}" for c in columns))
    for baskets in sizes:
        order = order_create(baskets=baskets)
        vendor_orders, split_s, split_q = measure(partial(services.order_split, order_id=order.pk))
        assert len(vendor_orders) == 6
        assert services.order_split_difference(order=order, vendor_orders=vendor_orders) == 0
        vo = VendorOrder.objects.select_related("order", "partner").get(
            order=order, partner__code="ristet-ro"
        )
        _pick, _s, pick_q = measure(partial(selectors.vendor_order_pick_list, vendor_order=vo))
        _plan, _s, plan_q = measure(partial(selectors.order_assembly_plan, order=order))
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            sent, mail_s, mail_q = measure(partial(order_pick_lists_send, order_id=order.pk))
        lines = order.lines.count()
        values = (baskets, lines, f"{split_s:.3f}", split_q, pick_q, plan_q, f"{mail_s:.2f}", mail_q)
        print(" ".join(f"{v:>8}" for v in values))


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [50, 500])
