"""What vendors and the hub get: pick-list e-mails, dashboard pages, CSV, workflow, access rules."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from fulfilment import services
from fulfilment.emails import order_pick_lists_send
from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order

ShippingEvent = get_model("order", "ShippingEvent")

BASKET = [("HF-VIN-01", 1), ("RR-KAF-01", 2), ("SB-SMA-01", 1)]


def _user(email):
    return get_user_model().objects.get(email=email)


def _split_order(**kwargs):
    order = place_order(
        baskets=kwargs.pop("baskets", [("Julekurv til Karen", BASKET), ("Lille kurv", BASKET[:2])]), **kwargs
    )
    services.order_split(order_id=order.pk)
    return order


@pytest.mark.django_db
def test_each_vendor_is_emailed_its_pick_list_and_the_hub_the_assembly_plan_once(demo_vendors):
    order = _split_order(loose=[("RR-KAF-01", 1)])

    sent = order_pick_lists_send(order_id=order.pk)
    order_pick_lists_send(order_id=order.pk)  # a retried task sends nothing again

    assert sent == 5 and len(mail.outbox) == 5
    coffee = next(m for m in mail.outbox if "ristet-ro@faelleskurv.example" in m.to)
    assert order.number in coffee.subject
    assert "5 x Espresso Morgenrøde (RR-KAF-01)" in coffee.body  # 2 + 2 in baskets, 1 loose
    assert "2 pr. kurv i 2 kurve: Julekurv til Karen, Lille kurv" in coffee.body
    assert "Verdensbutikken Fællesskab, Søndergade 41, 8000 Aarhus C" in coffee.body
    assert coffee.attachments[0][0] == f"plukliste-{order.number}-ristet-ro.csv"
    hub_mails = [m for m in mail.outbox if m.to == ["verdensbutikken@faelleskurv.example"]]
    plan = next(
        m for m in hub_mails if "Espresso" in m.body and order.number in m.subject and "1 x" in m.body
    )
    assert "Julekurv til Karen" in plan.body
    assert "Rungstedvej 111" in plan.body


@pytest.mark.django_db
def test_vendor_sees_only_its_own_vendor_orders(demo_vendors, client):
    order = _split_order()
    own = VendorOrder.objects.get(order=order, partner__code="havefolket")
    other = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    client.force_login(_user("havefolket@faelleskurv.example"))

    listing = client.get(reverse("fulfilment:vendor-order-list"))
    assert listing.status_code == 200
    assert list(listing.context["vendor_orders"]) == [own]
    assert client.get(reverse("fulfilment:vendor-order-detail", args=[own.pk])).status_code == 200
    for name in ("vendor-order-detail", "pick-list-print", "pick-list-csv"):
        assert client.get(reverse(f"fulfilment:{name}", args=[other.pk])).status_code == 404
    assert (
        client.post(
            reverse("fulfilment:vendor-order-detail", args=[other.pk]), {"action": "accept"}
        ).status_code
        == 404
    )
    assert client.get(reverse("fulfilment:assembly-plan", args=[order.number])).status_code == 403
    assert client.get(reverse("fulfilment:payouts-held")).status_code == 403


@pytest.mark.django_db
def test_customers_get_403_and_anonymous_visitors_the_login_page(demo_vendors, client):
    order = _split_order()
    vo = VendorOrder.objects.filter(order=order).first()

    assert client.get(reverse("fulfilment:vendor-order-detail", args=[vo.pk])).status_code == 302
    client.force_login(_user("kunde@faelleskurv.example"))
    assert client.get(reverse("fulfilment:vendor-order-list")).status_code == 403
    assert client.get(reverse("fulfilment:vendor-order-detail", args=[vo.pk])).status_code == 403


@pytest.mark.django_db
def test_pick_list_page_and_csv_show_products_baskets_place_and_deadline(demo_vendors, client):
    order = _split_order()
    vo = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    client.force_login(_user("ristet-ro@faelleskurv.example"))

    page = client.get(reverse("fulfilment:pick-list-print", args=[vo.pk])).content.decode()
    response = client.get(reverse("fulfilment:pick-list-csv", args=[vo.pk]))

    assert "Espresso Morgenrøde" in page and "Julekurv til Karen" in page and "Lille kurv" in page
    assert "Søndergade 41" in page
    assert vo.deliver_by.strftime("%Y") in page
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Ordre", "Lagerkode", "Produkt"]
    data = {(r[2], r[3]): r for r in rows[1:]}
    assert data[("Espresso Morgenrøde", "Julekurv til Karen")][6] == "2"
    assert data[("Espresso Morgenrøde", "Lille kurv")][6] == "2"
    assert all(r[7] == vo.deliver_by.isoformat() for r in rows[1:])


@pytest.mark.django_db
def test_hub_sees_the_assembly_plan_with_items_vendors_and_address(demo_vendors, client):
    order = _split_order()
    client.force_login(_user("verdensbutikken@faelleskurv.example"))

    page = client.get(reverse("fulfilment:assembly-plan", args=[order.number])).content.decode()

    assert "Julekurv til Karen" in page and "Lille kurv" in page
    assert "Ristet Ro Kafferisteri" in page and "Bageriet Skovbrynet" in page
    assert "Rungstedvej 111" in page


@pytest.mark.django_db
def test_vendor_workflow_records_shipping_events_and_the_order_ships_when_every_part_is_delivered(
    demo_vendors, client
):
    order = _split_order()
    order.set_status("Paid")
    parts = {vo.partner.code: vo for vo in VendorOrder.objects.filter(order=order).select_related("partner")}
    client.force_login(_user("havefolket@faelleskurv.example"))
    url = reverse("fulfilment:vendor-order-detail", args=[parts["havefolket"].pk])

    client.post(url, {"action": "accept"})
    order.refresh_from_db()
    assert order.status == "Being processed"
    client.post(url, {"action": "packed"})
    client.post(url, {"action": "delivered"})

    vo = parts["havefolket"]
    vo.refresh_from_db()
    assert vo.status == VendorOrder.Status.DELIVERED
    assert set(vo.lines.values_list("status", flat=True)) == {"Delivered"}
    events = ShippingEvent.objects.filter(order=order).values_list("event_type__code", flat=True)
    assert sorted(events) == ["delivered-to-hub", "packed"]
    assert set(ShippingEvent.objects.get(event_type__code="packed").lines.all()) == set(vo.lines.all())
    assert client.post(url, {"action": "cancel"}).status_code == 403  # vendors cannot cancel

    for code in ("ristet-ro", "skovbrynet"):
        services.vendor_order_advance(vendor_order_id=parts[code].pk, to_status=VendorOrder.Status.DELIVERED)
    order.refresh_from_db()
    assert order.status == "Being processed"
    services.vendor_order_advance(
        vendor_order_id=parts["verdensbutikken"].pk, to_status=VendorOrder.Status.DELIVERED, shipped=True
    )
    order.refresh_from_db()
    assert order.status == "Shipped"


@pytest.mark.django_db
def test_staff_cancels_a_vendor_order_and_the_buyer_sees_it(demo_vendors, client):
    buyer = _user("kunde@faelleskurv.example")
    order = _split_order(user=buyer)
    bakery = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    client.force_login(_user("admin@faelleskurv.example"))

    response = client.post(reverse("fulfilment:vendor-order-detail", args=[bakery.pk]), {"action": "cancel"})

    assert response.status_code == 302
    bakery.refresh_from_db()
    assert bakery.status == VendorOrder.Status.CANCELLED
    assert bakery.payout_state == VendorOrder.PayoutState.NOT_APPLICABLE
    assert set(bakery.lines.values_list("status", flat=True)) == {"Cancelled"}
    client.force_login(buyer)
    page = client.get(reverse("customer:order", args=[order.number])).content.decode()
    assert "Bageriet Skovbrynet" in page
    assert "Annulleret" in page or "Cancelled" in page


@pytest.mark.django_db
def test_a_step_that_is_not_allowed_is_refused_with_a_message(demo_vendors, client):
    order = _split_order()
    vo = VendorOrder.objects.get(order=order, partner__code="havefolket")
    services.vendor_order_advance(vendor_order_id=vo.pk, to_status=VendorOrder.Status.DELIVERED)
    client.force_login(_user("havefolket@faelleskurv.example"))

    response = client.post(
        reverse("fulfilment:vendor-order-detail", args=[vo.pk]), {"action": "accept"}, follow=True
    )

    vo.refresh_from_db()
    assert vo.status == VendorOrder.Status.DELIVERED
    assert any("cannot" in str(m) or "kan ikke" in str(m) for m in response.context["messages"])
