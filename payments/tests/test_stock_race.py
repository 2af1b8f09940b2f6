"""Twenty buyers press "Pay" at once for the last five units: five orders, fifteen clear refusals.

The stock records are made the ways the shop really makes them: by the demo seed, by a
vendor's product import, and directly as in the other checkout tests.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from marketplace.demo import FOOD_CLASS, seed_base, stock_record_ensure
from vendors import services as vendor_services
from vendors.tests.conftest import VALID_CVRS, make_vendor

from .conftest import checkout_to_preview, place_order, product_in_stock, return_from_stripe, session_id_from

Order = get_model("order", "Order")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

BUYERS = 20
UNITS_LEFT = 5


def assert_told_which_item_ran_out(client, response):
    """A loser is told either by the preview (lost the race inside "Pay") or, when the
    stock was already gone before its request got that far, by Oscar's basket check,
    which sends it back to the basket with a message naming the item."""
    if response.status_code == 302:
        assert response["Location"] == "/en/basket/"
        page = client.get(response["Location"]).content.decode()
        assert "&#x27;Rødvin Solhverv 2024&#x27; is no longer available to buy (no stock available)" in page
    else:
        page = response.content.decode()
        assert 'id="stock-problems"' in page, page[:500]
        assert "Sorry, Rødvin Solhverv 2024 has run out" in page


TITLE = "Rødvin Solhverv 2024"


def _stocked_directly():
    return product_in_stock(title=TITLE, stock=UNITS_LEFT)


def _stocked_by_demo_seed():
    """As `seed_demo` does it: `stock_record_ensure` gives no allocation of its own."""
    seed_base()
    vendor = make_vendor("seed", cvr=VALID_CVRS[2])
    product = Product.objects.create(
        title=TITLE, product_class=ProductClass.objects.get(name=FOOD_CLASS), is_public=True
    )
    stock_record_ensure(
        partner=vendor.partner, sku="SEED-1", product=product, price_incl_vat="250.00", stock=UNITS_LEFT
    )
    return product


def _stocked_by_vendor_import():
    """As a vendor's CSV import does it, then approved by staff."""
    seed_base()
    vendor = make_vendor("import", cvr=VALID_CVRS[3])
    csv = (
        "sku,title,description,product_class,category,price_excl_vat,stock\n"
        f"IMP-1,{TITLE},Økologisk,Fødevare,Vin og most,200.00,{UNITS_LEFT}\n"
    )
    product_import = vendor_services.product_import_preview(
        partner=vendor.partner, user=vendor.user, filename="products.csv", data=csv.encode()
    )
    vendor_services.product_import_confirm(product_import=product_import)
    product = StockRecord.objects.get(partner=vendor.partner, partner_sku="IMP-1").product
    vendor_services.product_approve(product=product)
    return product


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "stocked",
    [_stocked_directly, _stocked_by_demo_seed, _stocked_by_vendor_import],
    ids=["direct", "demo-seed", "vendor-import"],
)
def test_twenty_concurrent_checkouts_for_the_last_five_units_sell_exactly_five(stripe_double, stocked):
    product = stocked()
    assert StockRecord.objects.get(product=product).num_allocated == 0
    clients = [Client() for _ in range(BUYERS)]
    for i, client in enumerate(clients):
        checkout_to_preview(client, product=product, email=f"buyer{i}@example.dk")
    # Render one preview first: Oscar symlinks its "missing image" file on first use, not thread-safely.
    assert clients[0].get("/en/checkout/preview/").status_code == 200
    start = threading.Barrier(BUYERS)
    responses: list = [None] * BUYERS
    errors: list = []

    def buyer(i):
        try:
            start.wait()
            responses[i] = place_order(clients[i])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    winners = [
        i
        for i, r in enumerate(responses)
        if r.status_code == 302 and r["Location"].startswith(stripe_double.url)
    ]
    losers = [i for i in range(BUYERS) if i not in winners]
    assert len(winners) == UNITS_LEFT
    for i in losers:
        assert_told_which_item_ran_out(clients[i], responses[i])
    record = StockRecord.objects.get(product=product)
    assert record.num_allocated == UNITS_LEFT
    assert record.num_in_stock - record.num_allocated == 0

    for i in winners:
        session_id = session_id_from(responses[i])
        stripe_double.pay(session_id)
        return_from_stripe(clients[i], stripe_double, session_id)

    assert Order.objects.filter(status="Paid").count() == UNITS_LEFT
    record.refresh_from_db()
    assert record.num_allocated == UNITS_LEFT and record.num_in_stock == UNITS_LEFT
