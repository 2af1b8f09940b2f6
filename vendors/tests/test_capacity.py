"""A vendor edits its offers' capacity and sees what is promised per week; bad input saves nothing."""

import datetime

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from supply.models import CapacityReservation, OfferCapacity, week_start
from supply.services import capacity_set
from vendors.tests.conftest import make_product

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def offer_a(vendor_a):
    product = make_product(vendor_a, title="Rabarbermarmelade", sku="A-RAB")
    return product.stockrecords.get(partner=vendor_a.partner)


def capacity_url(offer):
    return reverse("supply_dashboard:offer-capacity", kwargs={"pk": offer.pk})


def test_vendor_saves_capacity_with_a_danish_thousands_separator(client_a, offer_a):
    response = client_a.post(
        capacity_url(offer_a), {"units_per_week": "1.000", "lead_time_days": "14"}, follow=True
    )

    capacity = OfferCapacity.objects.get(stockrecord=offer_a)
    assert (capacity.units_per_week, capacity.lead_time_days) == (1000, 14)
    assert "1000 per week, lead time 14 days" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("units_per_week", "-5", "greater than or equal to 0"),
        ("lead_time_days", "-1", "greater than or equal to 0"),
        ("units_per_week", "abc", "is not a whole number"),
        ("units_per_week", "12,5", "is not a whole number"),
        ("lead_time_days", "3.5", "is not a whole number"),
        ("units_per_week", "100001", "less than or equal to 100000"),
        ("units_per_week", "99999999999999", "less than or equal to 100000"),
        ("lead_time_days", "366", "less than or equal to 365"),
        ("units_per_week", "", "how many units you can make per week"),
        ("lead_time_days", "   ", "lead time in days"),
    ],
)
def test_bad_capacity_input_says_what_is_wrong_and_saves_nothing(client_a, offer_a, field, typed, message):
    # given a capacity already saved
    capacity_set(stockrecord=offer_a, units_per_week=40, lead_time_days=7)
    data = {"units_per_week": "60", "lead_time_days": "3", field: typed}

    response = client_a.post(capacity_url(offer_a), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert message in response.content.decode().replace("&quot;", '"')
    capacity = OfferCapacity.objects.get(stockrecord=offer_a)
    assert (capacity.units_per_week, capacity.lead_time_days) == (40, 7)


def test_bad_input_on_a_new_capacity_creates_no_row(client_a, offer_a):
    response = client_a.post(capacity_url(offer_a), {"units_per_week": "40", "lead_time_days": "-2"})

    assert response.status_code == 200
    assert not OfferCapacity.objects.filter(stockrecord=offer_a).exists()


def test_errors_are_in_danish_on_the_danish_dashboard(client_a, offer_a):
    from django.utils import translation

    with translation.override("da"):
        url = capacity_url(offer_a)
    assert url.startswith("/da/")

    response = client_a.post(url, {"units_per_week": "abc", "lead_time_days": "-1"})

    body = response.content.decode()
    assert "er ikke et helt tal" in body
    assert "større end eller lig 0" in body
    assert not OfferCapacity.objects.filter(stockrecord=offer_a).exists()


def test_another_vendors_offer_is_not_found(client_a, vendor_b):
    product_b = make_product(vendor_b, title="Bivoksys", sku="B-LYS")
    offer_b = product_b.stockrecords.get(partner=vendor_b.partner)

    assert client_a.get(capacity_url(offer_b)).status_code == 404
    assert (
        client_a.post(capacity_url(offer_b), {"units_per_week": "10", "lead_time_days": "1"}).status_code
        == 404
    )
    assert not OfferCapacity.objects.filter(stockrecord=offer_b).exists()


def test_another_vendors_offer_of_the_same_product_is_not_found(client_a, vendor_a, vendor_b, offer_a):
    offer_b = StockRecord.objects.create(
        product=offer_a.product,
        partner=vendor_b.partner,
        partner_sku="B-RAB",
        price="70.00",
        price_currency="DKK",
        num_in_stock=5,
    )

    assert client_a.get(capacity_url(offer_b)).status_code == 404


def test_promised_per_week_table_shows_reservations(client_a, offer_a):
    capacity_set(stockrecord=offer_a, units_per_week=40, lead_time_days=7)
    this_monday = week_start(datetime.date.today())
    in_two_weeks = this_monday + datetime.timedelta(weeks=2)
    CapacityReservation.objects.create(
        stockrecord=offer_a, week=this_monday, units=15, reference="bulk-order:1"
    )
    CapacityReservation.objects.create(
        stockrecord=offer_a, week=this_monday, units=5, reference="bulk-order:2"
    )
    CapacityReservation.objects.create(
        stockrecord=offer_a, week=in_two_weeks, units=40, reference="bulk-order:1"
    )
    CapacityReservation.objects.create(
        stockrecord=offer_a,
        week=in_two_weeks + datetime.timedelta(weeks=1),
        units=30,
        status=CapacityReservation.Status.RELEASED,
    )

    response = client_a.get(capacity_url(offer_a))

    weeks = response.context["weeks"]
    assert len(weeks) == 8
    rows = {row["week"]: (row["capacity"], row["promised"], row["free"]) for row in weeks}
    assert rows[this_monday] == (40, 20, 20)
    assert rows[in_two_weeks] == (40, 40, 0)
    assert rows[in_two_weeks + datetime.timedelta(weeks=1)] == (40, 0, 40)  # released counts as free
    body = response.content.decode()
    assert f'data-week="{this_monday:%Y-%m-%d}"' in body
    row_html = body.split(f'data-week="{this_monday:%Y-%m-%d}"')[1].split("</tr>")[0]
    assert '"promised">20<' in row_html and '"free">20<' in row_html
    assert f"Week {this_monday.isocalendar().week}" in body


def test_my_offers_links_to_capacity_and_shows_it(client_a, offer_a):
    capacity_set(stockrecord=offer_a, units_per_week=40, lead_time_days=7)

    body = client_a.get(reverse("vendor_dashboard:offer-list")).content.decode()

    assert capacity_url(offer_a) in body
    assert "40/week, 7 d" in body


def test_product_page_links_to_the_vendors_own_offer_capacity(client_a, vendor_b, offer_a):
    StockRecord.objects.create(
        product=offer_a.product,
        partner=vendor_b.partner,
        partner_sku="B-RAB",
        price="70.00",
        price_currency="DKK",
        num_in_stock=5,
    )
    offer_b = offer_a.product.stockrecords.get(partner=vendor_b.partner)

    body = client_a.get(
        reverse("dashboard:catalogue-product", kwargs={"pk": offer_a.product.pk})
    ).content.decode()

    assert capacity_url(offer_a) in body
    assert capacity_url(offer_b) not in body
