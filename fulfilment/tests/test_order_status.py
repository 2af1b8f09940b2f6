"""Oscar's order and line statuses as enums (issue 12.4): the pipelines are built from them, the
database keeps the English values Oscar compares, and people read the Danish labels."""

import pytest
from django.conf import settings
from django.utils import translation
from oscar.core.loading import get_model

from fulfilment.tests.factories import place_order
from fulfilment.tests.test_payouts import BASKET
from marketplace.order_status import LineStatus, OrderStatus, status_label

Order = get_model("order", "Order")
Line = get_model("order", "Line")


def test_the_pipelines_name_every_status_of_the_enums_and_nothing_else():
    order_pipeline = settings.OSCAR_ORDER_STATUS_PIPELINE
    line_pipeline = settings.OSCAR_LINE_STATUS_PIPELINE

    assert set(order_pipeline) == set(OrderStatus.values)
    assert {s for targets in order_pipeline.values() for s in targets} <= set(OrderStatus.values)
    assert set(line_pipeline) == set(LineStatus.values)
    assert {s for targets in line_pipeline.values() for s in targets} <= set(LineStatus.values)
    assert settings.OSCAR_INITIAL_ORDER_STATUS == "Pending" == settings.OSCAR_INITIAL_LINE_STATUS


@pytest.mark.django_db
def test_statuses_are_stored_as_before_and_read_in_danish(demo_vendors):
    order = place_order(baskets=[("kurv", BASKET)])

    order.set_status(OrderStatus.PAID)
    order.lines.first().set_status(LineStatus.ACCEPTED)

    assert list(Order.objects.filter(pk=order.pk).values_list("status", flat=True)) == ["Paid"]
    assert "Accepted" in Line.objects.filter(order=order).values_list("status", flat=True)
    with translation.override("da"):
        assert status_label(Order.objects.get(pk=order.pk).status) == "Betalt"
        assert str(LineStatus.PACKED.label) == "Pakket"
        assert [str(label) for _value, label in OrderStatus.choices] == [
            "Afventer",
            "Betalt",
            "Under behandling",
            "Afsendt",
            "Gennemført",
            "Annulleret",
        ]
    with translation.override("en"):
        assert status_label("Being processed") == "Being processed"
