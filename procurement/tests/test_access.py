"""A member sees only its own organisation: every URL of another organisation is 404 (or 403)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from procurement import services
from procurement.models import Invoice, Membership, Organisation, OrganisationLocation
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def other_organisation(municipality, django_capture_on_commit_callbacks):
    """Organisation B with a placed, invoiced and credited order, and a placed one with its invoice."""
    m = municipality
    org_b = Organisation.objects.create(
        name="Andenby Kommune",
        slug="andenby",
        cvr="40000003",
        street="Torvet 2",
        postcode="7100",
        city="Vejle",
        approval_limit=Decimal("1000000"),
    )
    location = OrganisationLocation.objects.create(
        organisation=org_b, ean="5798009999023", unit_name="Skoler"
    )
    member_b = get_user_model().objects.create_user(username="b", email="b@andenby.example", password="x")
    Membership.objects.create(organisation=org_b, user=member_b, role=Membership.Role.APPROVER)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.bulk_order_create(
            organisation=org_b,
            user=member_b,
            draft=draft_for(design=m.design, count=3),
            location=location,
            po_number="B-1",
            person_reference="BBB",
        )
    invoice = Invoice.objects.get(bulk_order=order)
    return org_b, order, invoice


def _urls(slug, order_pk, invoice_pk):
    base = f"/da/kommune/{slug}"
    return {
        "get": [
            f"{base}/",
            f"{base}/bestil/",
            f"{base}/bestil/tilbud/",
            f"{base}/ordrer/{order_pk}/",
            f"{base}/ordrer/{order_pk}/leveringsliste/",
            f"{base}/ordrer/{order_pk}/leveringsliste/?format=csv",
            f"{base}/fakturaer/{invoice_pk}/",
            f"{base}/fakturaer/{invoice_pk}/xml/",
            f"{base}/effekt/",
            f"{base}/effekt/?format=csv",
        ],
        "post": [
            f"{base}/ordrer/{order_pk}/godkend/",
            f"{base}/ordrer/{order_pk}/afvis/",
            f"{base}/ordrer/{order_pk}/annuller/",
        ],
    }


def test_member_of_a_gets_404_for_every_url_of_organisation_b(client, municipality, other_organisation):
    org_b, order, invoice = other_organisation
    client.force_login(municipality.approver)
    urls = _urls(org_b.slug, order.pk, invoice.pk)

    statuses = {url: client.get(url).status_code for url in urls["get"]}
    statuses.update({url: client.post(url, {"reason": "x"}).status_code for url in urls["post"]})

    assert set(statuses.values()) == {404}, statuses
    order.refresh_from_db()
    assert order.status == "placed"


def test_b_objects_under_a_own_slug_are_404_too(client, municipality, other_organisation):
    _org_b, order, invoice = other_organisation
    client.force_login(municipality.buyer)
    own = municipality.organisation.slug

    assert client.get(f"/da/kommune/{own}/ordrer/{order.pk}/").status_code == 404
    assert client.get(f"/da/kommune/{own}/fakturaer/{invoice.pk}/xml/").status_code == 404
    assert client.get(f"/da/kommune/{own}/ordrer/{order.pk}/leveringsliste/").status_code == 404


def test_member_b_sees_its_own_pages(client, other_organisation):
    org_b, order, invoice = other_organisation
    client.force_login(get_user_model().objects.get(email="b@andenby.example"))

    for url in _urls(org_b.slug, order.pk, invoice.pk)["get"]:
        assert client.get(url, follow=True).status_code == 200, url


def test_buyer_cannot_approve_its_own_order(client, municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft_for(design=m.design, count=40),
        location=m.location,
        po_number="PO",
        person_reference="REF",
    )
    client.force_login(m.buyer)

    response = client.post(f"/da/kommune/{m.organisation.slug}/ordrer/{order.pk}/godkend/")

    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == "awaiting_approval"


def test_anonymous_visitor_is_sent_to_login(client, other_organisation):
    org_b, order, _invoice = other_organisation

    response = client.get(f"/da/kommune/{org_b.slug}/ordrer/{order.pk}/")

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_packing_hub_reads_every_delivery_list_but_not_invoices(client, other_organisation):
    from oscar.core.loading import get_model

    org_b, order, invoice = other_organisation
    Partner = get_model("partner", "Partner")
    hub_user = Partner.objects.get(vendor_profile__is_hub=True).users.first()
    other_vendor = Partner.objects.filter(vendor_profile__is_hub=False).first().users.first()
    manifest = f"/da/kommune/{org_b.slug}/ordrer/{order.pk}/leveringsliste/"

    client.force_login(hub_user)
    assert f"{org_b.name}" in client.get("/da/kommune/leveringer/").content.decode()
    assert "Modtager 2" in client.get(manifest).content.decode()
    assert client.get(f"/da/kommune/{org_b.slug}/fakturaer/{invoice.pk}/").status_code == 404
    assert client.get(f"/da/kommune/{org_b.slug}/effekt/").status_code == 404

    client.force_login(other_vendor)
    assert client.get("/da/kommune/leveringer/").status_code == 403
    assert client.get(manifest).status_code == 404
