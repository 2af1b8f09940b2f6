"""Twenty buyers press "Pay" at once for the last five units: five orders, fifteen clear refusals."""

import threading

import pytest
from django.db import connection
from django.test import Client
from oscar.core.loading import get_model

from .conftest import checkout_to_preview, place_order, product_in_stock, return_from_stripe, session_id_from

Order = get_model("order", "Order")
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


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_checkouts_for_the_last_five_units_sell_exactly_five(stripe_double):
    product = product_in_stock(title="Rødvin Solhverv 2024", stock=UNITS_LEFT)
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
    winners = [i for i, r in enumerate(responses)
               if r.status_code == 302 and r["Location"].startswith(stripe_double.url)]
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
