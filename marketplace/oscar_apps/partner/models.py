"""Oscar's partner models; the stock record never has an unknown allocation."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    # Oscar allows NULL here; `NULL + n` stays NULL in SQL, so an allocation on such a
    # record reserved nothing and the last units could be sold many times over.
    num_allocated = models.IntegerField(_("Number allocated"), default=0)


from oscar.apps.partner.models import *  # noqa: E402, F403  (the rest of Oscar's models, unchanged)
