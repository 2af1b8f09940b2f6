"""A dead broker never turns a saved municipal order or payment into a 500 (issue 12.4):
the request answers as usual, the warning is logged, and the beat sweeps do the work."""

import logging
from decimal import Decimal

import pytest

from conftest import celery_broker_unreachable
from fulfilment.models import OrderSplitState, VendorOrder
from fulfilment.tasks import follow_ups_sweep_task
from fulfilment.tests.test_payouts import _connect
from procurement import services
from procurement.models import BulkOrder, Invoice
from procurement.tasks import invoices_missing_sweep
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _awaiting_approval(m):
    m.organisation.approval_limit = Decimal("100")
    m.organisation.save()
    return services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft_for(design=m.design, count=3),
        location=m.location,
        po_number="PO-BROKER",
        person_reference="BD",
    )


def _warnings(caplog, task_name):
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and task_name in r.getMessage() and "unreachable" in r.getMessage()
    ]


def test_approving_an_order_while_the_broker_is_down_places_it_and_the_sweep_invoices_it(
    client, municipality, broker_unreachable, caplog
):
    m = municipality
    bulk_order = _awaiting_approval(m)
    client.force_login(m.approver)

    with caplog.at_level(logging.WARNING):
        response = client.post(
            f"/da/kommune/{m.organisation.slug}/ordrer/{bulk_order.pk}/godkend/", follow=True
        )

    assert response.status_code == 200
    assert "Ordren er godkendt og afgivet" in response.content.decode()
    bulk_order.refresh_from_db()
    assert bulk_order.status == BulkOrder.Status.PLACED and bulk_order.order_id is not None
    assert not bulk_order.invoices.exists()
    assert len(_warnings(caplog, "procurement.invoice_issue")) == 1
    assert "enqueue failed" in OrderSplitState.objects.get(order_id=bulk_order.order_id).last_error

    # the beat sweep issues the invoice the lost task would have issued
    assert invoices_missing_sweep() == 1
    invoice = bulk_order.invoices.get()
    assert invoice.kind == Invoice.Kind.INVOICE and invoice.total_incl_tax == bulk_order.total_incl_tax


def _placed_and_invoiced(m, stripe_double):
    bulk_order = _awaiting_approval(m)
    services.bulk_order_approve(bulk_order=bulk_order, user=m.approver)  # eager: split and invoiced
    bulk_order.refresh_from_db()
    vendors = VendorOrder.objects.filter(order_id=bulk_order.order_id).values_list("partner__code", flat=True)
    for code in vendors:
        _connect(stripe_double, code)
    return bulk_order, bulk_order.invoices.get(kind=Invoice.Kind.INVOICE)


def test_invoice_marked_paid_while_the_broker_is_down_is_saved_and_the_sweep_pays_the_vendors(
    client, admin_user, municipality, stripe_double, settings, caplog
):
    bulk_order, invoice = _placed_and_invoiced(municipality, stripe_double)
    client.force_login(admin_user)
    url = f"/da/kommune/{municipality.organisation.slug}/fakturaer/{invoice.pk}/betalt/"

    with celery_broker_unreachable(), caplog.at_level(logging.WARNING):
        response = client.post(url, follow=True)

    assert response.status_code == 200
    assert f"Faktura {invoice.number} er markeret betalt" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.paid_at is not None and invoice.paid_by == admin_user
    assert len(_warnings(caplog, "fulfilment.order_payouts_release")) == 1
    vendor_orders = VendorOrder.objects.filter(order_id=bulk_order.order_id)
    assert {vo.payout_state for vo in vendor_orders} == {VendorOrder.PayoutState.PENDING}
    assert stripe_double.all("transfer") == []  # no Stripe call in the staff request

    settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS = 0
    result = follow_ups_sweep_task()

    assert result["payouts"] == [bulk_order.order.number]
    assert {vo.payout_state for vo in vendor_orders.all()} == {VendorOrder.PayoutState.SENT}
    assert len(stripe_double.all("transfer")) == vendor_orders.count()


def test_invoice_marked_paid_with_the_broker_up_pays_each_vendor_once_after_commit(
    client, admin_user, municipality, stripe_double
):
    bulk_order, invoice = _placed_and_invoiced(municipality, stripe_double)
    client.force_login(admin_user)
    url = f"/da/kommune/{municipality.organisation.slug}/fakturaer/{invoice.pk}/betalt/"

    client.post(url)
    client.post(url)  # a second click changes nothing

    vendor_orders = VendorOrder.objects.filter(order_id=bulk_order.order_id)
    assert {vo.payout_state for vo in vendor_orders} == {VendorOrder.PayoutState.SENT}
    transfers = stripe_double.all("transfer")
    paid = sorted(t["metadata"]["vendor_order"] for t in transfers)
    assert paid == sorted(str(vo.pk) for vo in vendor_orders)


def test_marking_paid_inside_a_transaction_that_rolls_back_sends_no_payout(
    municipality, admin_user, stripe_double
):
    from django.db import transaction

    bulk_order, invoice = _placed_and_invoiced(municipality, stripe_double)

    with pytest.raises(RuntimeError), transaction.atomic():
        services.invoice_mark_paid(invoice=invoice, user=admin_user)
        raise RuntimeError("the request failed after marking")

    invoice.refresh_from_db()
    assert invoice.paid_at is None
    assert stripe_double.all("transfer") == []
