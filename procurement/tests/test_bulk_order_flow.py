"""From the confirmed draft to a placed, split and invoiced order; approval, rejection, cancellation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from fulfilment.models import VendorOrder
from procurement import services
from procurement.models import BulkOrder, Invoice, InvoiceCounter
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _order(m, count, capture, **kwargs):
    with capture(execute=True):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=count),
            location=m.location,
            po_number="PO-4711",
            person_reference="JEHA",
            accounting_cost="5210",
            **kwargs,
        )


def _approve(m, bulk_order, capture):
    with capture(execute=True):
        services.bulk_order_approve(bulk_order=bulk_order, user=m.approver)
    bulk_order.refresh_from_db()
    return bulk_order


def test_order_above_limit_waits_for_approver_then_is_placed_split_and_invoiced(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    bulk_order = _order(m, 40, django_capture_on_commit_callbacks)

    assert bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL
    assert bulk_order.order is None
    assert not bulk_order.invoices.exists()
    assert [m.approver.email] in [message.to for message in mail.outbox]

    bulk_order = _approve(m, bulk_order, django_capture_on_commit_callbacks)

    assert bulk_order.status == BulkOrder.Status.PLACED
    order = bulk_order.order
    assert order.user == m.buyer
    assert order.total_incl_tax == bulk_order.total_incl_tax
    assert order.total_excl_tax == sum(line.line_price_excl_tax for line in order.lines.all())
    partners = set(order.lines.values_list("partner_id", flat=True))
    assert set(VendorOrder.objects.filter(order=order).values_list("partner_id", flat=True)) == partners
    # the vendors deliver to the hub two days before the requested date (fulfilment.HUB_ASSEMBLY_DAYS)
    assert set(VendorOrder.objects.filter(order=order).values_list("deliver_by", flat=True)) == {
        bulk_order.requested_delivery_date - timedelta(days=2)
    }
    invoice = bulk_order.invoices.get(kind=Invoice.Kind.INVOICE)
    assert invoice.total_incl_tax == order.total_incl_tax
    assert invoice.total_tax == (invoice.total_excl_tax * Decimal("0.25")).quantize(Decimal("0.01"))
    assert '<cbc:EndpointID schemeID="0088">5798009999009</cbc:EndpointID>' in invoice.xml
    assert "<cbc:BuyerReference>JEHA</cbc:BuyerReference>" in invoice.xml
    assert "<cbc:ID>PO-4711</cbc:ID>" in invoice.xml


def test_order_under_limit_is_placed_at_once(municipality, django_capture_on_commit_callbacks):
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()

    bulk_order = _order(m, 3, django_capture_on_commit_callbacks)

    assert bulk_order.status == BulkOrder.Status.PLACED
    assert bulk_order.invoices.filter(kind=Invoice.Kind.INVOICE).count() == 1


def test_volume_tier_lowers_every_line_and_the_totals_stay_exact_to_the_ore(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    small = services.bulk_quote(design_counts={m.design.pk: 10})
    large = services.bulk_quote(design_counts={m.design.pk: 60})

    assert small.discount_percent == 0
    assert large.discount_percent == Decimal("5")
    assert large.lines[0].unit_net_excl_tax < large.lines[0].unit_gross_excl_tax
    assert large.lines[0].unit_net_excl_tax == pytest.approx(
        large.lines[0].unit_gross_excl_tax * Decimal("0.95"), abs=Decimal("0.05")
    )

    bulk_order = _approve(
        m, _order(m, 60, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )

    order = bulk_order.order
    assert bulk_order.total_excl_tax == large.total_excl_tax
    assert order.total_excl_tax == large.total_excl_tax
    assert order.total_incl_tax == large.total_incl_tax
    assert all(line.unit_price_excl_tax < line.stockrecord.price for line in order.lines.all())


def test_approver_rejects_with_a_reason_and_nothing_is_placed(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    bulk_order = _order(m, 40, django_capture_on_commit_callbacks)

    with pytest.raises(services.ProcurementError):
        services.bulk_order_reject(bulk_order=bulk_order, user=m.approver, reason="  ")
    with pytest.raises(services.ProcurementError):
        services.bulk_order_approve(bulk_order=bulk_order, user=m.buyer)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_reject(bulk_order=bulk_order, user=m.approver, reason="Budgettet er brugt")

    bulk_order.refresh_from_db()
    assert bulk_order.status == BulkOrder.Status.REJECTED
    assert bulk_order.order is None
    assert any("Budgettet er brugt" in message.body for message in mail.outbox)


def test_cancelling_a_placed_order_issues_a_credit_note_with_the_next_number(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    bulk_order = _approve(
        m, _order(m, 40, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )
    invoice = bulk_order.invoices.get()

    services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)
    services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)

    credit_note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert credit_note.credited_invoice == invoice
    assert credit_note.number == invoice.number + 1
    assert credit_note.total_incl_tax == invoice.total_incl_tax
    assert f"<cbc:ID>{invoice.number}</cbc:ID>" in credit_note.xml
    bulk_order.refresh_from_db()
    assert bulk_order.status == BulkOrder.Status.CANCELLED
    assert bulk_order.order.status == "Cancelled"


def test_invoice_numbers_have_no_gaps_and_repeating_the_task_issues_nothing_new(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    orders = [_order(m, 2, django_capture_on_commit_callbacks) for _ in range(3)]

    for bulk_order in orders:
        services.invoice_issue(bulk_order_id=bulk_order.pk)

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert InvoiceCounter.objects.get(series="invoice").last_number == numbers[-1]


def test_marking_the_invoice_paid_releases_vendor_payouts(municipality, django_capture_on_commit_callbacks):
    m = municipality
    bulk_order = _approve(
        m, _order(m, 40, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )
    invoice = bulk_order.invoices.get()
    staff = type(m.buyer).objects.get(is_staff=True, is_superuser=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_mark_paid(invoice=invoice, user=staff)

    invoice.refresh_from_db()
    assert invoice.paid_at is not None
    from fulfilment.models import OrderSplitState

    assert OrderSplitState.objects.get(order=bulk_order.order).payouts_requested_at is not None
    with pytest.raises(services.ProcurementError):
        services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_issues_the_invoice_after_commit(municipality, celery_real):
    import time

    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()

    bulk_order = services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft_for(design=m.design, count=2),
        location=m.location,
        po_number="PO-W",
        person_reference="W",
    )

    deadline = time.monotonic() + 30
    while not Invoice.objects.filter(bulk_order=bulk_order).exists() and time.monotonic() < deadline:
        time.sleep(0.3)
    invoice = Invoice.objects.get(bulk_order=bulk_order)
    assert invoice.total_incl_tax == bulk_order.total_incl_tax
    # the worker then transmits it and e-mails the PDF; wait until it has, so it is idle when the test ends
    while time.monotonic() < deadline + 30:
        invoice.refresh_from_db()
        if invoice.transmission_status == Invoice.Transmission.SENT and invoice.emailed_at:
            break
        time.sleep(0.3)
    assert invoice.transmission_status == Invoice.Transmission.SENT and invoice.emailed_at is not None


def test_approval_without_stock_is_refused_with_the_reason_and_nothing_placed(
    client, municipality, django_capture_on_commit_callbacks
):
    from oscar.core.loading import get_model

    m = municipality
    bulk_order = _order(m, 40, django_capture_on_commit_callbacks)
    product = m.design.items.first().product
    get_model("partner", "StockRecord").objects.filter(product=product).update(num_in_stock=3)
    # and no enterprise can make more of it (no offer of it keeps any weekly capacity)
    from supply.models import OfferCapacity

    OfferCapacity.objects.filter(stockrecord__product=product).update(units_per_week=0)
    client.force_login(m.approver)

    response = client.post(f"/da/kommune/{m.organisation.slug}/ordrer/{bulk_order.pk}/godkend/", follow=True)

    assert product.get_title() in response.content.decode()
    bulk_order.refresh_from_db()
    assert bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL
    assert bulk_order.order is None and not Invoice.objects.exists()
