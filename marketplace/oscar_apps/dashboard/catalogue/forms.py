"""Oscar's product forms; the stock record form says that its price excludes VAT."""

from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F403 (the forms we do not change)


class StockRecordForm(oscar_forms.StockRecordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "price" in self.fields:
            self.fields["price"].label = _("Price excl. VAT (DKK)")
            self.fields["price"].help_text = _(
                "Buyers pay this plus 25 % VAT: 80.00 here is 100.00 in the shop."
            )
            self.fields["price"].min_value = 0
