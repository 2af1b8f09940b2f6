"""Part of an invoiced bulk order cancelled (issue 13.6): a credit note for just those units, to the øre."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from lxml import etree

from fulfilment.models import VendorOrder, VendorOrderLine
from procurement.models import Invoice
from procurement.tests.test_bulk_order_flow import _approve, _order
from procurement.tests.test_einvoice import _assert_valid

pytestmark = pytest.mark.django_db
NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def placed(municipality, django_capture_on_commit_callbacks):
    m = municipality
    bulk_order = _approve(
        m, _order(m, 40, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )
    assert bulk_order.invoices.filter(kind=Invoice.Kind.INVOICE).exists()
    return bulk_order


def _staff(m):
    return type(m.buyer).objects.get(is_staff=True, is_superuser=True)


def _two_lines(order):
    lines = list(order.lines.order_by("pk")[:2])
    return lines[0], lines[1]


def test_staff_cancel_some_units_and_the_invoice_is_credited_for_just_those_to_the_ore(
    client, municipality, placed, ubl_checker, tmp_path, django_capture_on_commit_callbacks
):
    order = placed.order
    first, second = _two_lines(order)
    invoice = placed.invoices.get(kind=Invoice.Kind.INVOICE)
    before = sum((vo.subtotal_excl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    client.force_login(_staff(municipality))
    url = reverse("fulfilment:order-cancel-part", args=[order.number])
    assert f'name="cancel-{first.pk}"' in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {f"cancel-{first.pk}": "3", f"cancel-{second.pk}": "2", "reason": "Kun 38 medarbejdere"}
        )

    assert response.status_code == 302
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    excl = first.unit_price_excl_tax * 3 + second.unit_price_excl_tax * 2
    tax = (excl * Decimal("0.25")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert (note.credited_invoice, note.total_excl_tax, note.total_tax, note.total_incl_tax) == (
        invoice,
        excl,
        tax,
        excl + tax,
    )
    root = etree.fromstring(note.xml.encode())
    credited = [
        (
            line.findtext("cac:Item/cbc:Name", namespaces=NS),
            line.findtext("cbc:CreditedQuantity", namespaces=NS),
        )
        for line in root.findall("cac:CreditNoteLine", namespaces=NS)
    ]
    assert credited == [(first.title, "3"), (second.title, "2")]
    _assert_valid(ubl_checker, note.xml.encode(), tmp_path)
    after = sum((vo.subtotal_excl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert before - after == excl  # what the vendors lose is what the buyer is credited
    assert not invoice.is_fully_credited


def test_cancelling_packed_units_is_refused_with_a_clear_message_and_nothing_is_credited(
    client, municipality, placed
):
    order = placed.order
    first, _second = _two_lines(order)
    VendorOrder.objects.filter(order=order, lines=first).update(status=VendorOrder.Status.PACKED)
    active = sum(
        VendorOrderLine.objects.filter(line=first, status="active").values_list("quantity", flat=True)
    )
    client.force_login(_staff(municipality))
    url = reverse("fulfilment:order-cancel-part", args=[order.number])

    response = client.post(url, {f"cancel-{first.pk}": str(active), "reason": "For sent"})

    assert response.status_code == 400
    assert "giv leverandøren besked først" in response.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    assert not VendorOrderLine.objects.filter(line=first, status="cancelled").exists()


def test_bad_quantities_and_a_missing_reason_are_refused_and_nothing_is_saved(client, municipality, placed):
    order = placed.order
    first, _second = _two_lines(order)
    client.force_login(_staff(municipality))
    url = reverse("fulfilment:order-cancel-part", args=[order.number])

    too_many = client.post(url, {f"cancel-{first.pk}": str(first.quantity + 1), "reason": "x"})
    not_a_number = client.post(url, {f"cancel-{first.pk}": "2,5", "reason": "x"})
    no_reason = client.post(url, {f"cancel-{first.pk}": "1", "reason": " "})

    assert [r.status_code for r in (too_many, not_a_number, no_reason)] == [400, 400, 400]
    assert "kan ikke annulleres" in too_many.content.decode()
    assert "helt antal" in not_a_number.content.decode()
    assert "Skriv hvorfor" in no_reason.content.decode()
    assert not Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    assert not VendorOrderLine.objects.filter(line__order=order, status="cancelled").exists()


def test_vendors_and_municipal_users_cannot_open_the_partial_cancel_page(client, municipality, placed):
    url = reverse("fulfilment:order-cancel-part", args=[placed.order.number])
    vendor = VendorOrder.objects.filter(order=placed.order).first().partner.users.first()
    for user in (vendor, municipality.buyer):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x"}).status_code == 403


def test_cancelling_the_rest_after_a_partial_credit_credits_exactly_what_is_left(
    municipality, placed, django_capture_on_commit_callbacks
):
    from fulfilment.services import order_cancel
    from procurement import services

    order = placed.order
    first, _second = _two_lines(order)
    invoice = placed.invoices.get(kind=Invoice.Kind.INVOICE)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, lines={first.pk: 1}, reason="En for meget")
        services.bulk_order_cancel(bulk_order=placed, user=municipality.approver)

    notes = Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice=invoice)
    assert notes.count() == 2
    assert sum(n.total_excl_tax for n in notes) == invoice.total_excl_tax
    # VAT rounded per note must not leave an øre over or short: the notes credit the invoice exactly.
    assert sum(n.total_tax for n in notes) == invoice.total_tax
    assert sum(n.total_incl_tax for n in notes) == invoice.total_incl_tax
    assert invoice.is_fully_credited
