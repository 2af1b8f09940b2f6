"""The vendor's capacity page: units per week and lead time of one of its offers, and what is promised."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from supply.forms import CapacityForm
from supply.selectors import capacity_promised_by_week
from supply.services import capacity_set
from vendors import selectors as vendor_selectors
from vendors.permissions import VendorRequiredMixin

CAPACITY_WEEKS_SHOWN = 8


class OfferCapacityView(VendorRequiredMixin, FormView):
    """One of the vendor's own offers: edit its capacity, see what is promised per week ahead.

    Another vendor's offer is a 404. The limits are the model's: ``capacity_set`` runs
    ``full_clean`` and this view puts its refusal on the form, so nothing is saved then.
    """

    template_name = "supply/dashboard/offer_capacity.html"
    form_class = CapacityForm

    def get_offer(self):
        if not hasattr(self, "offer"):
            offer = vendor_selectors.offer_get_for_vendor(vendor=self.vendor, pk=self.kwargs["pk"])
            if offer is None:
                raise Http404
            self.offer = offer
        return self.offer

    def get_initial(self):
        capacity = getattr(self.get_offer(), "capacity", None)
        if capacity is None:
            return {"units_per_week": 0, "lead_time_days": 0}
        return {"units_per_week": capacity.units_per_week, "lead_time_days": capacity.lead_time_days}

    def get_context_data(self, **kwargs):
        offer = self.get_offer()
        return super().get_context_data(
            offer=offer,
            capacity=getattr(offer, "capacity", None),
            weeks=capacity_promised_by_week(stockrecord=offer, weeks=CAPACITY_WEEKS_SHOWN),
            **kwargs,
        )

    def form_valid(self, form):
        offer = self.get_offer()
        try:
            capacity_set(stockrecord=offer, **form.cleaned_data)
        except ValidationError as error:
            form.add_model_errors(error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Capacity of “%(title)s” saved: %(units)s per week, lead time %(days)s days.")
            % {
                "title": offer.product.get_title(),
                "units": form.cleaned_data["units_per_week"],
                "days": form.cleaned_data["lead_time_days"],
            },
        )
        return redirect("supply_dashboard:offer-capacity", pk=offer.pk)
