#!/usr/bin/env python
"""SQL queries (and time) to place an order of 8 lines from 4 vendors through the project's checkout code.

    bench/gen_catalogue.py            # once: fk_bench_n2000
    bench/order_queries.py [--orders 20]

Runs on a scratch copy of fk_bench_n2000 (fk_bench_orders), in-process, with
the local Stripe double (stripe_double/) standing in for Stripe and the real
Redis broker (the split is enqueued, no worker consumes it). Per order:

  build   a signed-in customer's basket: 2 products x 4 vendors, one each
  start   payments.services.checkout_payment_start(): lock + allocate stock, freeze
          the basket, open the Stripe Checkout Session (what the preview's "Pay" does)
  place   payments.services.checkout_payment_complete() after the double marks the
          session paid: Oscar's OrderCreator, payment source/event, basket submit,
          the order_placed signal -> fulfilment registers the split and enqueues it
          on commit, the confirmation e-mail on commit (what the Stripe return does)

Each step runs in transaction.atomic() like a request under ATOMIC_REQUESTS, and
its count includes the on-commit work. Compare start + place with stock Oscar's
PaymentDetailsView.submit() (161 queries in the anchor's counts.sh).
"""

import argparse
import subprocess
import sys
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import DB_PREFIX, PG_SERVER, PYTHON, ROOT, database_name, django_env  # noqa: E402

MEASURE = r"""
import statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from oscar.core.loading import get_class, get_model
from stripe_double import StripeDouble

double = StripeDouble(webhook_secret="whsec_bench").start()
settings.STRIPE_API_BASE = double.url
settings.STRIPE_SECRET_KEY = "sk_test_bench"
settings.STRIPE_WEBHOOK_SECRET = double.webhook_secret

from marketplace.demo import CUSTOMER_EMAIL
from payments.services import checkout_payment_complete, checkout_payment_start

Basket = get_model("basket", "Basket")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
Selector = get_class("partner.strategy", "Selector")
Repository = get_class("shipping.repository", "Repository")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")

user = get_user_model().objects.get(email=CUSTOMER_EMAIL)
partners = list(Partner.objects.filter(vendor_profile__status="approved").order_by("pk")[:4])
records = []
for partner in partners:
    records += list(StockRecord.objects.filter(partner=partner, product__is_public=True,
                                               product__parent=None).order_by("-pk")[:2])
assert len(records) == 8 and len({r.partner_id for r in records}) == 4

def build():
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for record in records:
        basket.add_product(record.product, 1)
    return basket

def count(fn):
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        with transaction.atomic():
            result = fn()
        elapsed = time.perf_counter() - start
    return result, len(ctx.captured_queries), elapsed * 1000

rows = []
for i in range(int(sys.argv[1])):
    basket, q_build, t_build = count(build)
    address = ShippingAddress(first_name="Karen", last_name="Jensen", line1="Vestergade 3", postcode="8000",
                              line4="Aarhus C", country=Country.objects.get(iso_3166_1_a2="DK"))
    methods = Repository().get_shipping_methods(basket=basket, user=user, shipping_addr=address)
    method = next(m for m in methods if m.code == "delivery")
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    number = f"B{int(time.time() * 1000) % 10**9}{i:03d}"
    start, q_start, t_start = count(lambda: checkout_payment_start(
        basket=basket, user=user, guest_email="", shipping_address=address, shipping_method=method,
        shipping_charge=charge, total=total, order_number=number, success_url="http://x/?s={CHECKOUT_SESSION_ID}",
        cancel_url="http://x/", language="da"))
    double.pay(start.payment.stripe_session_id)
    order, q_place, t_place = count(lambda: checkout_payment_complete(order_number=number))
    assert order is not None and order.lines.count() == 8
    assert order.split_state is not None
    rows.append((q_build, t_build, q_start, t_start, q_place, t_place))
double.stop()

def med(i):
    return statistics.median(r[i] for r in rows)
same = all(len({r[i] for r in rows}) == 1 for i in (0, 2, 4))
print(f"orders: {len(rows)} (8 lines from 4 vendors each); same query counts for every order: {same}")
print("| step | SQL queries (first / median) | median ms |")
print("|---|---:|---:|")
steps = [
    ("build basket (create + 8 x add_product)", 0),
    ("start: checkout_payment_start (allocate, freeze, Stripe session)", 2),
    ("place: checkout_payment_complete (OrderCreator, payment, split enqueued, e-mail)", 4),
]
for label, i in steps:
    print(f"| {label} | {rows[0][i]} / {med(i):.0f} | {med(i + 1):.1f} |")
total_first, total_med = rows[0][2] + rows[0][4], med(2) + med(4)
print(f"| **start + place** (stock Oscar's submit(): 161) | **{total_first} / {total_med:.0f}** "
      f"| {med(3) + med(5):.1f} |")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="order placement query count")
    parser.add_argument("--orders", type=int, default=20)
    parser.add_argument("--products", type=int, default=2000)
    args = parser.parse_args()
    scratch = f"{DB_PREFIX}_orders"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{database_name(args.products)}"')
    env = django_env(
        args.products, EMAIL_URL="memorymail://", CACHE_KEY_PREFIX="bench-orders", DJANGO_LOG_LEVEL="WARNING"
    )
    env["DATABASE_URL"] = f"{PG_SERVER}/{scratch}"
    env["PYTHONPATH"] = f"{ROOT}:{ROOT / 'bench'}"
    subprocess.run([PYTHON, "-c", MEASURE, str(args.orders)], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
