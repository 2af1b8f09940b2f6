"""Oscar's order dashboard forms, with the status choices labelled in the page's language.

The values posted stay the pipeline's names (OSCAR_ORDER_STATUS_PIPELINE); only the labels
go through marketplace.order_status.
"""

from oscar.apps.dashboard.orders import forms as oscar_forms
from oscar.apps.dashboard.orders.forms import *  # noqa: F403 (the forms we do not change)

from marketplace.order_status import status_label


def _labelled(choices):
    return [(value, status_label(value) if value else label) for value, label in choices]


class OrderSearchForm(oscar_forms.OrderSearchForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = _labelled(self.fields["status"].choices)


class OrderStatusForm(oscar_forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        self.fields["new_status"].choices = _labelled(self.fields["new_status"].choices)
