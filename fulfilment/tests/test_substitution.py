"""Declined units no other offer can supply get a substitute (issue 13.5): proposed, confirmed, paid back."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from fulfilment import selectors, services, substitution
from fulfilment.models import Substitution, SubstitutionPolicy, VendorOrder, VendorOrderLine
from fulfilment.tests.factories import place_order
from fulfilment.tests.test_payouts import _connect, _pay_by_card

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def _vendor_user(code):
    return Partner.objects.get(code=code).users.get()


def _offer(product, code, sku, price, stock):
    return StockRecord.objects.create(
        partner=Partner.objects.get(code=code),
        product=product,
        partner_sku=sku,
        price=price,
        num_in_stock=stock,
    )


def _product(title, category, *, public=True):
    product = Product.objects.create(
        title=title, product_class=Product.objects.first().product_class, is_public=public
    )
    ProductCategory.objects.create(product=product, category=category)
    return product


@pytest.fixture
def coffee_declined(demo_vendors, stripe_double, django_capture_on_commit_callbacks):
    """A paid card order of 7 coffee and 3 honey; Ristet Rø declines the coffee, nobody else roasts it.

    In the coffee's category: tea 15 % cheaper (Skovbrynet, 20 in stock), a cheap sampler 50 %
    cheaper (out of the band), an instant coffee in the band but with 2 in stock.
    """
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order = place_order(loose=[("RR-KAF-01", 7), ("HF-HON-01", 3)])
    order.guest_email = "karen@example.dk"
    order.save(update_fields=["guest_email"])
    _pay_by_card(order)
    services.order_split(order_id=order.pk)
    services.order_payouts_release(order=order)
    coffee = order.lines.get(partner_sku="RR-KAF-01")
    category = Category.add_root(name="Kaffe og te")
    ProductCategory.objects.create(product=coffee.product, category=category)
    price = coffee.stockrecord.price
    tea = _product("Økologisk te", category)
    _offer(tea, "skovbrynet", "SB-TE-01", (price * Decimal("0.85")).quantize(Decimal("0.01")), 20)
    sampler = _product("Smagsprøver", category)
    _offer(sampler, "havefolket", "HF-SMG-01", (price / 2).quantize(Decimal("0.01")), 50)
    instant = _product("Pulverkaffe", category)
    _offer(instant, "havefolket", "HF-PUL-01", price, 2)
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.vendor_order_decline(
            vendor_order_id=ristet.pk, user=_vendor_user("ristet-ro"), reason="Risteriet er brændt"
        )
    assert result["unsourced"] == {coffee.pk: 7}
    return order, coffee, tea, sampler, instant


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username="staff", email="staff@faelleskurv.example", password="x", is_staff=True
    )


def test_units_nobody_else_can_supply_get_a_substitute_proposed_within_the_price_band(coffee_declined):
    order, coffee, tea, sampler, instant = coffee_declined

    sub = Substitution.objects.get(order=order)
    assert (sub.line, sub.quantity, sub.reason, sub.status) == (coffee, 7, "Risteriet er brændt", "open")
    assert sub.product == tea  # the instant coffee is nearer in price but cannot supply 7
    candidates = substitution.substitute_candidates(substitution=sub)
    assert [(c.product, c.available, c.enough) for c in candidates] == [(tea, 20, True), (instant, 2, False)]
    assert sampler not in [c.product for c in candidates]  # 50 % cheaper: outside the 20 % band
    # staff and the hub are told a substitute is needed, with the link to decide
    told = [m for m in mail.outbox if order.number in m.subject]
    assert told and all(f"/substitutions/{sub.pk}/" in m.body for m in told)


def test_confirmed_substitute_is_picked_by_its_vendor_and_the_buyer_gets_the_difference_to_the_ore(
    coffee_declined, client, stripe_double, django_capture_on_commit_callbacks
):
    order, coffee, tea, _sampler, _instant = coffee_declined
    sub = Substitution.objects.get(order=order)
    client.force_login(_staff())
    url = reverse("fulfilment:substitution-detail", args=[sub.pk])
    page = client.get(url).content.decode()
    assert "Økologisk te" in page and f'value="{tea.pk}"' in page
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "confirm", "product": str(tea.pk)})

    assert response.status_code == 302
    sub.refresh_from_db()
    # the buyer pays the coffee's price × tea/coffee list prices, rounded to 5 øre incl. VAT
    unit = coffee.unit_price_incl_tax
    new_unit = (unit * Decimal("0.85") / Decimal("0.05")).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    ) * Decimal("0.05")
    tea_record = StockRecord.objects.get(partner_sku="SB-TE-01")
    assert abs(new_unit - unit * tea_record.price / coffee.stockrecord.price) <= Decimal("0.03")
    assert (sub.status, sub.product, sub.refund_incl_tax) == ("confirmed", tea, (unit - new_unit) * 7)
    refunds = stripe_double.all("refund")
    assert [r["amount"] for r in refunds] == [services.amount_in_ore(sub.refund_incl_tax)]
    # Skovbrynet picks 7 tea for this order; Ristet Rø nothing; stock allocated from the tea offer
    skovbrynet = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    pick = selectors.vendor_order_pick_list(vendor_order=skovbrynet)
    assert [(r.title, r.sku, r.quantity) for r in pick.rows] == [("Økologisk te", "SB-TE-01", 7)]
    tea_record.refresh_from_db()
    assert tea_record.num_allocated == 7
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    assert (
        ristet.status == VendorOrder.Status.CANCELLED
        and ristet.payout_state == VendorOrder.PayoutState.REVERSED
    )
    plan = selectors.order_assembly_plan(order=order)
    tea_items = [
        (i.vendor, i.quantity) for i in plan.loose if "Økologisk te" in i.title and coffee.title in i.title
    ]
    assert tea_items == [(skovbrynet.partner.name, 7)]
    assert not [i for i in plan.loose if i.vendor == ristet.partner.name]
    # the honey vendor's transfer is untouched by the refund
    honey = VendorOrder.objects.get(order=order, partner__code="havefolket")
    assert stripe_double.get("transfer", honey.stripe_transfer_id)["amount_reversed"] == 0
    # money: the vendors' subtotals + what went back = the order to the øre; Skovbrynet is paid its share
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + sub.refund_incl_tax + order.shipping_incl_tax == order.total_incl_tax
    skovbrynet.refresh_from_db()
    assert skovbrynet.subtotal_incl_tax == coffee.line_price_incl_tax - sub.refund_incl_tax
    assert skovbrynet.commission + skovbrynet.payout_amount == skovbrynet.subtotal_incl_tax
    transfer = stripe_double.get("transfer", skovbrynet.stripe_transfer_id)
    assert transfer["amount"] == services.amount_in_ore(skovbrynet.payout_amount)
    # the buyer, the hub and Skovbrynet are told what changed
    bodies = {tuple(m.to): m.body for m in mail.outbox}
    assert any("Økologisk te" in body and coffee.title in body for body in bodies.values())
    assert "Økologisk te" in bodies[("karen@example.dk",)]
    # deciding twice is refused
    again = client.post(url, {"action": "confirm", "product": str(tea.pk)})
    assert again.status_code == 400 and len(stripe_double.all("refund")) == 1


def test_a_substitute_outside_the_band_or_short_of_units_is_refused_and_nothing_changes(
    coffee_declined, stripe_double
):
    order, _coffee, _tea, sampler, instant = coffee_declined
    sub = Substitution.objects.get(order=order)
    staff = _staff()
    rows = list(VendorOrderLine.objects.order_by("pk").values_list("pk", "status", "quantity"))

    with pytest.raises(substitution.SubstitutionError, match="prisinterval|price band"):
        substitution.substitution_confirm(substitution_id=sub.pk, user=staff, product_id=sampler.pk)
    with pytest.raises(substitution.SubstitutionError, match="2 af de 7|2 of the 7"):
        substitution.substitution_confirm(substitution_id=sub.pk, user=staff, product_id=instant.pk)
    with pytest.raises(PermissionError):
        substitution.substitution_confirm(substitution_id=sub.pk, user=_vendor_user("skovbrynet"))

    assert list(VendorOrderLine.objects.order_by("pk").values_list("pk", "status", "quantity")) == rows
    sub.refresh_from_db()
    assert sub.status == "open" and stripe_double.all("refund") == []


def test_rejected_substitution_refunds_the_units_in_full(
    coffee_declined, stripe_double, django_capture_on_commit_callbacks
):
    order, coffee, *_rest = coffee_declined
    sub = Substitution.objects.get(order=order)
    staff = _staff()
    with pytest.raises(substitution.SubstitutionError):
        substitution.substitution_reject(substitution_id=sub.pk, user=staff, note=" ")

    with django_capture_on_commit_callbacks(execute=True):
        substitution.substitution_reject(substitution_id=sub.pk, user=staff, note="Kunden vil ikke have te")

    sub.refresh_from_db()
    assert (sub.status, sub.refund_incl_tax) == ("rejected", coffee.line_price_incl_tax)
    assert [r["amount"] for r in stripe_double.all("refund")] == [
        services.amount_in_ore(coffee.line_price_incl_tax)
    ]
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + sub.refund_incl_tax + order.shipping_incl_tax == order.total_incl_tax


def test_the_hub_may_decide_but_a_vendor_gets_403_and_staff_set_the_band_in_danish_numbers(
    coffee_declined, client
):
    order, *_rest = coffee_declined
    sub = Substitution.objects.get(order=order)
    client.force_login(_vendor_user("skovbrynet"))
    assert client.get(reverse("fulfilment:substitution-detail", args=[sub.pk])).status_code == 403
    client.force_login(_vendor_user("verdensbutikken"))  # the hub
    assert client.get(reverse("fulfilment:substitution-detail", args=[sub.pk])).status_code == 200
    assert client.post(reverse("fulfilment:substitution-list"), {"below_percent": "5"}).status_code == 403

    client.force_login(_staff())
    url = reverse("fulfilment:substitution-list")
    for bad in ("abc", "-5", "150", ""):
        response = client.post(url, {"below_percent": bad, "above_percent": "10"})
        assert response.status_code == 400 and 'class="invalid-feedback' in response.content.decode()
    assert SubstitutionPolicy.current().below_percent == Decimal("20")
    assert client.post(url, {"below_percent": "12,5", "above_percent": "0"}).status_code == 302
    policy = SubstitutionPolicy.current()
    assert (policy.below_percent, policy.above_percent) == (Decimal("12.5"), Decimal("0"))
