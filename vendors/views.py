"""Storefront pages: the vendor directory, a vendor's page and the 'Become a vendor' application."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, ListView, TemplateView

from marketplace.storefront_cache import storefront_page_cache
from vendors import selectors, services
from vendors.forms import VendorApplicationForm


class VendorDirectoryView(ListView):
    template_name = "vendors/vendor_list.html"
    context_object_name = "vendors"

    def get_queryset(self):
        return selectors.vendor_list_for_storefront(rsov_only=self.request.GET.get("rsov") == "1")

    def get_context_data(self, **kwargs):
        return super().get_context_data(rsov_only=self.request.GET.get("rsov") == "1", **kwargs)


# Anonymous pages from the storefront's Redis page cache, invalidated with the catalogue (issue 8).
# Read-only: no request transaction, so a signed-in render pays no savepoint round trips.
@method_decorator(storefront_page_cache, name="dispatch")
@method_decorator(transaction.non_atomic_requests, name="dispatch")
class VendorDetailView(TemplateView):
    template_name = "vendors/vendor_detail.html"
    # A large vendor has hundreds of products: render a page of them, not all.
    paginate_by = 24

    def get_context_data(self, **kwargs):
        vendor = selectors.vendor_get_for_storefront(slug=self.kwargs["slug"])
        if vendor is None:
            raise Http404
        paginator = Paginator(selectors.vendor_products_for_storefront(vendor=vendor), self.paginate_by)
        page_obj = paginator.get_page(self.request.GET.get("page"))
        return super().get_context_data(
            vendor=vendor,
            products=page_obj.object_list,
            paginator=paginator,
            page_obj=page_obj,
            is_paginated=page_obj.has_other_pages(),
            **kwargs,
        )


class VendorApplyView(FormView):
    template_name = "vendors/apply.html"
    form_class = VendorApplicationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        user = self.request.user if self.request.user.is_authenticated else None
        try:
            services.vendor_apply(user=user, **data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Thank you! We have received your application."))
        return redirect(reverse("vendors:apply-done"))


class VendorApplyDoneView(TemplateView):
    template_name = "vendors/apply_done.html"
