"""Oscar's product formsets; a POST without the stock record formset is a form error, not a 500."""

from oscar.apps.dashboard.catalogue import formsets as oscar_formsets
from oscar.apps.dashboard.catalogue.formsets import *  # noqa: F403 (the formsets we do not change)


class StockRecordFormSet(oscar_formsets.StockRecordFormSet):
    def set_initial_data(self):
        # Oscar reads self.forms[0]; a POST without management data has no forms at all.
        if self.forms:
            super().set_initial_data()
