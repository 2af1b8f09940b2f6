"""A 500-recipient bulk order is split per vendor and each pick list sums the quantities."""

import io
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from baskets.selectors import published_designs
from fulfilment.models import VendorOrder
from procurement import services
from procurement.models import BulkOrder

StockRecord = get_model("partner", "StockRecord")


@pytest.mark.django_db
def test_500_recipients_with_two_baskets_give_pick_lists_with_summed_quantities(
    client, municipality, django_capture_on_commit_callbacks
):
    from fulfilment.selectors import vendor_order_pick_list

    m = municipality
    StockRecord.objects.update(num_in_stock=100_000)
    first, second = list(published_designs()[:2])
    rows = ["navn;adresse;postnr;by;hilsen;kurv"]
    for i in range(500):
        basket = second.slug if i % 5 == 0 else ""  # 100 choose the second basket, 400 take the default
        rows.append(f"Modtager {i};Vej {i};{1000 + i};By;Hilsen {i};{basket}")
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "modtagere.csv"
    client.force_login(m.buyer)
    slug = m.organisation.slug

    started = time.monotonic()
    response = client.post(
        f"/da/kommune/{slug}/bestil/",
        {
            "design": first.pk,
            "mode": "file",
            "recipients_file": upload,
            "requested_delivery_date": (timezone.localdate() + timedelta(days=21)).isoformat(),
        },
    )
    assert "500 modtagere læst uden fejl." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/da/kommune/{slug}/bestil/tilbud/",
            {
                "location": m.location.pk,
                "po_number": "PO-500",
                "person_reference": "JUL",
            },
        )
    bulk_order = BulkOrder.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_approve(bulk_order=bulk_order, user=m.approver)
    elapsed = time.monotonic() - started

    bulk_order.refresh_from_db()
    assert bulk_order.recipients.count() == 500
    assert bulk_order.discount_percent == Decimal("8")  # the 200+ tier of the demo data
    expected = Counter()
    for design, count in ((first, 400), (second, 100)):
        for item in design.items.select_related("product"):
            expected[item.product_id] += item.quantity * count
    vendor_orders = VendorOrder.objects.filter(order=bulk_order.order)
    assert vendor_orders.count() == len(set(bulk_order.order.lines.values_list("partner_id", flat=True)))
    picked = Counter()
    for vendor_order in vendor_orders:
        for row in vendor_order_pick_list(vendor_order=vendor_order).rows:
            product_id = StockRecord.objects.get(partner=vendor_order.partner, partner_sku=row.sku).product_id
            picked[product_id] += row.quantity
            assert row.quantity == sum(per_basket * baskets for _name, per_basket, baskets in row.baskets)
    packaging = Counter()
    for design, count in ((first, 400), (second, 100)):
        packaging[design.basket_type.packaging_product_id] += count
    assert picked == expected + packaging
    assert elapsed < 60, f"500 recipients took {elapsed:.1f} s"
    print(f"500-recipient order: upload, quote, approval, split and invoice in {elapsed:.2f} s")
