"""A declined bulk-order item with no other supplier, delivered as a cheaper substitute (issue 13.5).

The municipality's invoice is credited the difference on a credit note that passes the UBL rules;
the vendors' subtotals and the credit notes add up to the invoice to the øre.
"""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import F
from oscar.core.loading import get_model

from fulfilment import selectors, services, substitution
from fulfilment.models import Substitution, VendorOrder, VendorOrderLine
from procurement.models import Invoice
from procurement.tests.test_bulk_order_flow import _approve, _order
from procurement.tests.test_einvoice import _assert_valid
from supply.models import OfferCapacity
from tests.factories import vendor

pytestmark = pytest.mark.django_db
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def declined(municipality, django_capture_on_commit_callbacks):
    """40 baskets placed and invoiced; one vendor declines an item nobody else can supply now."""
    m = municipality
    bulk_order = _approve(
        m, _order(m, 40, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks
    )
    order = bulk_order.order
    row = (
        VendorOrderLine.objects.filter(
            vendor_order__order=order, status="active", line__product__categories__isnull=False
        )
        .select_related("line", "vendor_order", "stockrecord")
        .order_by("pk")
        .first()
    )
    line, vendor_order = row.line, row.vendor_order
    # every other offer of the item is sold out and has no capacity
    others = StockRecord.objects.filter(product=line.product).exclude(partner_id=vendor_order.partner_id)
    others.update(num_in_stock=F("num_allocated"))
    OfferCapacity.objects.filter(stockrecord__in=others).delete()
    # a product of the same category, 10 % cheaper, from a vendor outside this order
    category = line.product.categories.first()
    outsider = vendor("udefra", name="Værkstedet Udefra", is_rsov=True)
    assert not Partner.objects.filter(pk=outsider.pk, vendor_orders__order=order).exists()
    substitute = Product.objects.create(
        title="Erstatningsvare", product_class=line.product.product_class, is_public=True
    )
    ProductCategory.objects.create(product=substitute, category=category)
    record = row.stockrecord or line.stockrecord
    StockRecord.objects.create(
        partner=outsider,
        product=substitute,
        partner_sku="ERST-01",
        price=(record.price * Decimal("0.9")).quantize(Decimal("0.01")),
        num_in_stock=1000,
    )
    units = sum(
        VendorOrderLine.objects.filter(vendor_order=vendor_order, line=line, status="active").values_list(
            "quantity", flat=True
        )
    )
    user = vendor_order.partner.users.first()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.vendor_order_decline(
            vendor_order_id=vendor_order.pk, user=user, lines={line.pk: units}, reason="Maskinen er i stykker"
        )
    assert result["unsourced"] == {line.pk: units}
    return bulk_order, line, units, substitute, outsider


def test_substitute_for_an_invoiced_bulk_order_is_credited_and_everything_adds_up_to_the_ore(
    declined, ubl_checker, tmp_path, django_capture_on_commit_callbacks
):
    bulk_order, line, units, substitute, outsider = declined
    invoice = bulk_order.invoices.get(kind=Invoice.Kind.INVOICE)
    sub = Substitution.objects.get(order=bulk_order.order)
    staff = get_user_model().objects.get(is_staff=True, is_superuser=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        substitution.substitution_confirm(substitution_id=sub.pk, user=staff, product_id=substitute.pk)

    sub.refresh_from_db()
    unit = line.unit_price_incl_tax
    new_unit = (unit * Decimal("0.9") / Decimal("0.05")).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * Decimal("0.05")
    assert sub.refund_incl_tax == (unit - new_unit) * units
    assert sub.refund_excl_tax * Decimal("1.25") == sub.refund_incl_tax  # VAT exact on the difference
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE, credited_invoice=invoice)
    assert (note.total_excl_tax, note.total_incl_tax) == (sub.refund_excl_tax, sub.refund_incl_tax)
    _assert_valid(ubl_checker, note.xml.encode(), tmp_path)
    assert "Erstatningsvare" in note.xml
    # vendors' subtotals + credited = the invoice, excl. and incl. VAT, to the øre
    vendor_orders = VendorOrder.objects.filter(order=bulk_order.order)
    excl = sum((vo.subtotal_excl_tax for vo in vendor_orders), Decimal(0))
    incl = sum((vo.subtotal_incl_tax for vo in vendor_orders), Decimal(0))
    shipping_excl = bulk_order.order.shipping_excl_tax
    assert excl + note.total_excl_tax + shipping_excl == invoice.total_excl_tax
    assert incl + note.total_incl_tax + bulk_order.order.shipping_incl_tax == invoice.total_incl_tax
    # the outsider picks the substitute for this order, and is paid the buyer's price less commission
    target = vendor_orders.get(partner=outsider)
    assert [(r.title, r.quantity) for r in selectors.vendor_order_pick_list(vendor_order=target).rows] == [
        ("Erstatningsvare", units)
    ]
    assert target.subtotal_incl_tax == new_unit * units
    assert target.commission + target.payout_amount == target.subtotal_incl_tax
    # the municipal buyer is told
    assert any("Erstatningsvare" in m.body and bulk_order.order.email in m.to for m in mail.outbox)
