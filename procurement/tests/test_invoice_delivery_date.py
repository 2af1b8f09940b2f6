"""The invoice never states a delivery date that has not happened (issue 15)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from lxml import etree

from procurement import services
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _placed(m, capture):
    m.organisation.approval_limit = Decimal("100000000")
    m.organisation.save()
    with capture(execute=True):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=2, days_ahead=20),
            location=m.location,
            po_number="PO-DATO",
            person_reference="GH",
        )


def _delivery_dates(xml: str) -> list[str]:
    return [e.text for e in etree.fromstring(xml.encode()).iter(f"{{{CBC}}}ActualDeliveryDate")]


def test_invoice_issued_before_delivery_states_no_delivery_date(
    municipality, django_capture_on_commit_callbacks
):
    order = _placed(municipality, django_capture_on_commit_callbacks)

    invoice = services.invoice_issue(bulk_order_id=order.pk) or order.invoices.get()

    assert order.requested_delivery_date > invoice.issue_date
    assert _delivery_dates(invoice.xml) == []


def test_document_after_delivery_states_the_day_it_was_delivered(
    municipality, django_capture_on_commit_callbacks
):
    order = _placed(municipality, django_capture_on_commit_callbacks)
    services.bulk_order_mark_delivered(bulk_order=order)
    order.refresh_from_db()

    document = services.ubl_document_for(
        bulk_order=order, number=999, issue_date=timezone.localdate() + timedelta(days=1)
    )

    assert document.delivery_date == timezone.localdate(order.delivered_at)
    assert document.delivery_date != order.requested_delivery_date
