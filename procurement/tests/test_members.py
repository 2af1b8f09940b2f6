"""Staff invite members by e-mail; the invited user joins with the role; staff mark invoices paid."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from procurement import services
from procurement.models import Invoice, Membership
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def test_staff_invitation_email_lets_the_user_join_as_approver(client, municipality, admin_user):
    slug = municipality.organisation.slug
    client.force_login(admin_user)

    client.post(
        f"/da/kommune/{slug}/medlemmer/", {"email": "Ny@Eksempel-Kommune.example", "role": "approver"}
    )

    assert mail.outbox[-1].to == ["ny@eksempel-kommune.example"]
    link = re.search(r"http://faelleskurv\.test(/da/kommune/invitation/\S+/)", mail.outbox[-1].body).group(1)
    stranger = get_user_model().objects.create_user(username="x", email="other@example.com", password="x")
    invited = get_user_model().objects.create_user(
        username="ny", email="ny@eksempel-kommune.example", password="x"
    )
    client.force_login(stranger)
    client.post(link)
    assert not Membership.objects.filter(user=stranger).exists()
    client.force_login(invited)
    response = client.post(link)
    assert response.status_code == 302
    assert Membership.objects.get(user=invited).role == Membership.Role.APPROVER
    assert client.post(link, follow=True).status_code == 200
    assert Membership.objects.filter(user=invited).count() == 1


def test_members_page_is_for_staff_and_organisation_admins_only(client, municipality):
    client.force_login(municipality.approver)

    response = client.get(f"/da/kommune/{municipality.organisation.slug}/medlemmer/")

    assert response.status_code == 403


def test_only_staff_can_mark_an_invoice_paid(
    client, municipality, admin_user, django_capture_on_commit_callbacks
):
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=2),
            location=m.location,
            po_number="PO",
            person_reference="REF",
        )
    invoice = Invoice.objects.get(bulk_order=order)
    url = f"/da/kommune/{m.organisation.slug}/fakturaer/{invoice.pk}/betalt/"

    client.force_login(m.approver)
    client.post(url)
    invoice.refresh_from_db()
    assert invoice.paid_at is None

    client.force_login(admin_user)
    client.post(url)
    invoice.refresh_from_db()
    assert invoice.paid_at is not None and invoice.paid_by == admin_user
    order.order.refresh_from_db()
    assert order.order.status == "Paid"


def test_dashboard_menu_links_staff_to_bulk_orders(client, admin_user, municipality):
    client.force_login(admin_user)

    html = client.get("/da/dashboard/").content.decode()

    assert "/da/kommune/leveringer/" in html and "Mængdeordrer" in html
