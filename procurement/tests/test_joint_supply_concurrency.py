"""Two bulk orders submitted at the same moment never promise the same capacity twice (issue 13.4)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from procurement import services
from procurement.models import BulkOrder
from procurement.sourcing import bulk_sourcing
from procurement.tests.conftest import draft_for
from procurement.tests.test_joint_supply import jam_from_three  # noqa: F401  (fixture)
from supply.models import CapacityReservation

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_concurrent_bulk_orders_for_the_last_capacity_one_is_refused(jam_from_three):  # noqa: F811
    m, item, offers = jam_from_three
    m.organisation.approval_limit = Decimal("1.00")  # both wait for approval: capacity is held at submission
    m.organisation.save(update_fields=["approval_limit"])
    draft = draft_for(design=m.design, count=1, per_recipient=1, days_ahead=21)
    largest = bulk_sourcing(
        design_counts={m.design.pk: 1_000_000}, requested_delivery_date=draft.requested_delivery_date
    ).largest_baskets
    assert largest > 85  # more than the stock: capacity is needed
    draft = draft_for(design=m.design, count=1, per_recipient=largest, days_ahead=21)

    barrier = threading.Barrier(2)
    outcomes = []

    def submit(po):
        try:
            barrier.wait()
            services.bulk_order_create(
                organisation=m.organisation,
                user=m.buyer,
                draft=draft,
                location=m.location,
                po_number=po,
                person_reference="JUL",
            )
            outcomes.append("ok")
        except services.ProcurementError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(f"PO-{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    refusal = next(o for o in outcomes if o != "ok")
    assert isinstance(refusal, services.ProcurementError)
    assert BulkOrder.objects.filter(status=BulkOrder.Status.AWAITING_APPROVAL).count() == 1
    reserved = CapacityReservation.objects.filter(status=CapacityReservation.Status.RESERVED)
    assert {r.reference for r in reserved} == {f"bulk-order:{BulkOrder.objects.get().pk}"}
