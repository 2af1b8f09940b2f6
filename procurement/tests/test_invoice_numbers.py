"""Invoice numbers stay gap-free when two invoices are issued at the same moment."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from procurement import services, ubl
from procurement.models import Invoice
from procurement.services import bulk_orders
from procurement.tests.conftest import draft_for


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.mark.django_db(transaction=True)
def test_concurrent_invoices_get_consecutive_numbers(municipality, monkeypatch):
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    # bulk_orders looks the helper up in its own module, so it is replaced there
    monkeypatch.setattr(bulk_orders, "_invoice_issue_enqueue", lambda **kwargs: None)
    orders = [
        services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=2),
            location=m.location,
            po_number=f"PO-{i}",
            person_reference="REF",
        )
        for i in range(2)
    ]
    build = ubl.document_build

    def slow_build(doc):
        time.sleep(0.5)  # hold the counter lock while the other thread waits for it
        return build(doc)

    monkeypatch.setattr(ubl, "document_build", slow_build)
    errors = []

    def issue(pk):
        try:
            services.invoice_issue(bulk_order_id=pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(o.pk,)) for o in orders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2]
