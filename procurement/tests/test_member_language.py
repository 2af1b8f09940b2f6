"""A member chooses the language of the e-mails to them; their orders and approval requests use it."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from procurement import services
from procurement.models import Membership
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _order(m, capture, *, language):
    m.organisation.approval_limit = Decimal("100")
    m.organisation.save()
    with capture(execute=True), translation.override(language):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=5),
            location=m.location,
            po_number="PO-SPROG",
            person_reference="GH",
            base_url="http://testserver/",
        )


def test_a_member_chooses_english_on_the_organisation_page_and_keeps_it_when_ordering_in_danish(
    client, municipality, django_capture_on_commit_callbacks
):
    m = municipality
    client.force_login(m.buyer)
    page = client.get(f"/da/kommune/{m.organisation.slug}/").content.decode()
    assert 'id="member-language"' in page and "Sprog i mine e-mails" in page

    response = client.post(f"/da/kommune/{m.organisation.slug}/sprog/", {"language": "en"}, follow=True)

    membership = Membership.objects.get(organisation=m.organisation, user=m.buyer)
    assert (membership.language, membership.language_chosen) == ("en", True)
    text = response.content.decode()
    assert "Language of your e-mails: English." in text
    assert '<option value="en" selected>' in text

    order = _order(m, django_capture_on_commit_callbacks, language="da")

    membership.refresh_from_db()
    assert membership.language == "en", "ordering in Danish does not undo the member's choice"
    (received,) = [e for e in mail.outbox if e.to == [m.buyer.email]]
    assert received.subject == f"Order {order.pk} received"


def test_each_approver_gets_the_approval_request_in_their_own_language(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    approver = Membership.objects.get(organisation=m.organisation, user=m.approver)
    services.membership_language_set(membership=approver, language="en")

    _order(m, django_capture_on_commit_callbacks, language="da")

    (request,) = [e for e in mail.outbox if m.approver.email in e.to]
    assert request.subject.startswith("Order awaiting your approval: ")
    assert "awaits your approval" in request.body
    danish = [e for e in mail.outbox if e.subject.startswith("Ordre afventer")]
    assert all(m.approver.email not in e.to for e in danish)


def test_an_unknown_language_is_refused_and_nothing_changes(client, municipality):
    m = municipality
    client.force_login(m.buyer)

    response = client.post(f"/da/kommune/{m.organisation.slug}/sprog/", {"language": "xx"}, follow=True)

    assert "Vælg et sprog." in response.content.decode()
    membership = Membership.objects.get(organisation=m.organisation, user=m.buyer)
    assert membership.language_chosen is False
    with pytest.raises(services.ProcurementError):
        services.membership_language_set(membership=membership, language="xx")


def test_someone_outside_the_organisation_cannot_set_a_language_there(
    client, municipality, django_user_model
):
    m = municipality
    outsider = django_user_model.objects.create_user(username="o", email="o@example.com", password="x")
    client.force_login(outsider)

    assert client.post(f"/da/kommune/{m.organisation.slug}/sprog/", {"language": "en"}).status_code == 404
