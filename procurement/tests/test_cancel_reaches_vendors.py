"""Cancelling a placed bulk order reaches the vendors (issue 13.6): vendor orders, stock, credit note."""

import pytest
from oscar.core.loading import get_model

from fulfilment.models import VendorOrder, VendorOrderLine
from procurement import services
from procurement.models import Invoice
from procurement.tests.test_bulk_order_flow import _approve, _order

StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def test_cancelling_a_placed_bulk_order_cancels_its_vendor_orders_and_gives_back_the_stock(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    bulk_order = _approve(
        m, _order(m, 40, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )
    order = bulk_order.order
    assert VendorOrder.objects.filter(order=order).exists()
    record_ids = list(order.lines.values_list("stockrecord_id", flat=True))
    allocated = dict(StockRecord.objects.filter(pk__in=record_ids).values_list("pk", "num_allocated"))
    assert all(allocated.values())

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)

    assert set(VendorOrder.objects.filter(order=order).values_list("status", flat=True)) == {"cancelled"}
    assert not VendorOrderLine.objects.filter(line__order=order, status="active").exists()
    for line in order.lines.all():
        allocated[line.stockrecord_id] -= line.quantity
    assert dict(StockRecord.objects.filter(pk__in=record_ids).values_list("pk", "num_allocated")) == allocated
    invoice = bulk_order.invoices.get(kind=Invoice.Kind.INVOICE)
    assert Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE).total_incl_tax == invoice.total_incl_tax
