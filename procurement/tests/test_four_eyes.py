"""Four eyes: the person who places an order never approves it (issue 15)."""

from decimal import Decimal

import pytest
from django.core import mail

from procurement import services
from procurement.models import BulkOrder, Membership
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _above_limit(m, *, user, capture):
    m.organisation.approval_limit = Decimal("100")
    m.organisation.save()
    with capture(execute=True):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=user,
            draft=draft_for(design=m.design, count=5),
            location=m.location,
            po_number="PO-4E",
            person_reference="GG",
            base_url="http://testserver/",
        )


def test_an_approver_cannot_approve_an_order_they_placed(municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = _above_limit(m, user=m.approver, capture=django_capture_on_commit_callbacks)

    with pytest.raises(services.ProcurementError) as refused:
        services.bulk_order_approve(bulk_order=order, user=m.approver)

    assert "du har selv bestilt" in " ".join(refused.value.messages).lower()
    order.refresh_from_db()
    assert order.status == BulkOrder.Status.AWAITING_APPROVAL and order.order_id is None


def test_a_sole_approver_who_placed_the_order_is_told_and_staff_are_emailed(
    client, municipality, admin_user, django_capture_on_commit_callbacks
):
    m = municipality
    Membership.objects.filter(organisation=m.organisation, role=Membership.Role.APPROVER).exclude(
        user=m.approver
    ).delete()
    mail.outbox.clear()

    order = _above_limit(m, user=m.approver, capture=django_capture_on_commit_callbacks)

    assert any(admin_user.email in message.to for message in mail.outbox)
    client.force_login(m.approver)
    page = client.get(f"/da/kommune/{m.organisation.slug}/ordrer/{order.pk}/").content.decode()
    assert 'id="approve"' not in page
    assert "ingen godkender sin egen ordre" in page.lower()
    response = client.post(f"/da/kommune/{m.organisation.slug}/ordrer/{order.pk}/godkend/", follow=True)
    assert "fire øjne" in response.content.decode().lower()
    order.refresh_from_db()
    assert order.status == BulkOrder.Status.AWAITING_APPROVAL


def test_another_approver_can_approve(municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = _above_limit(m, user=m.buyer, capture=django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_approve(bulk_order=order, user=m.approver)

    order.refresh_from_db()
    assert order.status == BulkOrder.Status.PLACED and order.decided_by == m.approver


def test_the_buyer_withdraws_an_order_awaiting_approval(
    client, municipality, django_capture_on_commit_callbacks
):
    m = municipality
    order = _above_limit(m, user=m.buyer, capture=django_capture_on_commit_callbacks)
    client.force_login(m.buyer)

    response = client.post(f"/da/kommune/{m.organisation.slug}/ordrer/{order.pk}/traek-tilbage/", follow=True)

    order.refresh_from_db()
    assert order.status == BulkOrder.Status.CANCELLED and order.order_id is None
    assert "Ordren er trukket tilbage" in response.content.decode()
    assert not order.invoices.exists()


def test_an_approver_cannot_withdraw_someone_elses_order(municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = _above_limit(m, user=m.buyer, capture=django_capture_on_commit_callbacks)

    with pytest.raises(services.ProcurementError):
        services.bulk_order_withdraw(bulk_order=order, user=m.approver)


def test_the_approval_request_subject_shows_the_amount_in_danish_format(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    mail.outbox.clear()

    order = _above_limit(m, user=m.buyer, capture=django_capture_on_commit_callbacks)

    request = next(message for message in mail.outbox if m.approver.email in message.to)
    whole, cents = f"{order.total_incl_tax:.2f}".split(".")
    danish = f"{int(whole):,}".replace(",", ".") + "," + cents
    assert request.subject == f"Ordre afventer din godkendelse: {danish} kr."
    assert f"{danish} kr. inkl. moms" in request.body


def test_anonymous_visitors_see_what_the_service_is_and_how_to_get_access(client):
    response = client.get("/da/kommune/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="kommune-info"' in page
    assert "Sådan får I adgang" in page and "CVR" in page
