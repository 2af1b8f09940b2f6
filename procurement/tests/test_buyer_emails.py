"""The buyer is e-mailed when the order is received, approved, rejected or cancelled, in their language."""

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


def _order(m, capture, *, limit="100", language="da"):
    m.organisation.approval_limit = Decimal(limit)
    m.organisation.save()
    with capture(execute=True), translation.override(language):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=5),
            location=m.location,
            po_number="PO-MAIL",
            person_reference="GH",
            base_url="http://testserver/",
        )


def _to_buyer(m):
    return [e for e in mail.outbox if e.to == [m.buyer.email]]


def test_buyer_gets_a_danish_confirmation_with_the_total_in_danish_format(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality

    order = _order(m, django_capture_on_commit_callbacks)

    (received,) = _to_buyer(m)
    total = f"{order.total_incl_tax:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert received.subject == f"Ordre {order.pk} modtaget"
    assert f"{total} kr. inkl. moms" in received.body
    assert "afventer en godkender" in received.body
    assert "PO-MAIL" in received.body


def test_an_english_buyer_is_told_of_approval_in_english_though_the_approver_uses_danish(
    municipality, django_capture_on_commit_callbacks
):
    m = municipality
    order = _order(m, django_capture_on_commit_callbacks, language="en")
    assert Membership.objects.get(organisation=m.organisation, user=m.buyer).language == "en"

    with django_capture_on_commit_callbacks(execute=True), translation.override("da"):
        services.bulk_order_approve(bulk_order=order, user=m.approver)

    subjects = [e.subject for e in _to_buyer(m)]
    assert subjects == [f"Order {order.pk} received", f"Order {order.pk} approved"]
    assert "was approved and is placed" in _to_buyer(m)[-1].body


def test_buyer_is_told_of_rejection_with_the_reason(municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = _order(m, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_reject(bulk_order=order, user=m.approver, reason="For dyrt i år")

    last = _to_buyer(m)[-1]
    assert last.subject == f"Ordre {order.pk} afvist"
    assert "For dyrt i år" in last.body


def test_buyer_is_told_when_a_placed_order_is_cancelled(municipality, django_capture_on_commit_callbacks):
    m = municipality
    order = _order(m, django_capture_on_commit_callbacks, limit="10000000")
    assert _to_buyer(m)[0].subject == f"Ordre {order.pk} modtaget"
    assert "Ordren er afgivet" in _to_buyer(m)[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_cancel(bulk_order=order, user=m.approver)

    last = _to_buyer(m)[-1]
    assert last.subject == f"Ordre {order.pk} annulleret"
    assert "kreditnota" in last.body
