"""Dashboard pages: staff decide on vendors and products; a vendor edits its profile and imports products."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView, UpdateView
from oscar.core.loading import get_model

from vendors import selectors, services
from vendors.forms import OfferForm, ProductImportForm, ReasonForm, VendorProfileForm, VendorStaffForm
from vendors.models import ProductImport, VendorProfile
from vendors.permissions import StaffRequiredMixin, VendorRequiredMixin

Product = get_model("catalogue", "Product")


# --- Staff ----------------------------------------------------------------------


class VendorListView(StaffRequiredMixin, ListView):
    template_name = "vendors/dashboard/vendor_list.html"
    context_object_name = "vendors"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in VendorProfile.Status.values else ""
        return selectors.vendor_list_for_dashboard(status=self.status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=VendorProfile.Status.choices, current_status=self.status, **kwargs
        )


class VendorDetailView(StaffRequiredMixin, UpdateView):
    """One vendor: its application, staff settings and the approve/reject/suspend buttons."""

    template_name = "vendors/dashboard/vendor_detail.html"
    form_class = VendorStaffForm
    context_object_name = "vendor"

    def get_queryset(self):
        return VendorProfile.objects.select_related("partner", "applicant")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("reason_form", ReasonForm())
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Vendor saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("vendor_dashboard:vendor-detail", kwargs={"pk": self.object.pk})


class VendorDecisionView(StaffRequiredMixin, View):
    """POST only: approve, reject (with reason), suspend (with reason) or reinstate."""

    def post(self, request, pk):
        vendor = get_object_or_404(VendorProfile, pk=pk)
        action = request.POST.get("action")
        url = reverse("vendor_dashboard:vendor-detail", kwargs={"pk": vendor.pk})
        try:
            if action in ("approve", "reinstate"):
                services.vendor_approve(vendor=vendor)
                messages.success(request, _("%(name)s is approved and has been e-mailed.") % {"name": vendor})
            elif action in ("reject", "suspend"):
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    messages.error(request, _("Give a reason: the vendor is told why."))
                    return redirect(url)
                if action == "reject":
                    services.vendor_reject(vendor=vendor, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The application was rejected and the applicant e-mailed."))
                else:
                    services.vendor_suspend(vendor=vendor, reason=form.cleaned_data["reason"])
                    messages.success(request, _("%(name)s is suspended.") % {"name": vendor})
            else:
                messages.error(request, _("Unknown action."))
        except services.VendorStateError as error:
            messages.error(request, str(error))
        return redirect(url)


class ProductApprovalListView(StaffRequiredMixin, ListView):
    template_name = "vendors/dashboard/product_approval_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        return selectors.products_awaiting_approval()


class ProductApproveView(StaffRequiredMixin, View):
    def post(self, request, pk):
        product = get_object_or_404(selectors.products_awaiting_approval(), pk=pk)
        services.product_approve(product=product)
        messages.success(request, _("“%(title)s” is now visible in the shop.") % {"title": product.title})
        return redirect("vendor_dashboard:product-approval-list")


class OfferApprovalListView(StaffRequiredMixin, ListView):
    """Vendors' offers of products already in the shop, waiting for staff."""

    template_name = "vendors/dashboard/offer_approval_list.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self):
        return selectors.offers_awaiting_approval()

    def get_context_data(self, **kwargs):
        return super().get_context_data(reason_form=ReasonForm(), **kwargs)


class OfferDecisionView(StaffRequiredMixin, View):
    """POST only: approve or reject (with a reason) a pending offer."""

    def post(self, request, pk):
        record = get_object_or_404(selectors.offers_awaiting_approval(), pk=pk)
        try:
            if request.POST.get("action") == "approve":
                services.offer_approve(stockrecord=record)
                messages.success(
                    request,
                    _("%(vendor)s’s offer of “%(title)s” is now for sale.")
                    % {"vendor": record.partner.name, "title": record.product.get_title()},
                )
            elif request.POST.get("action") == "reject":
                services.offer_reject(stockrecord=record, reason=request.POST.get("reason", ""))
                messages.success(request, _("The offer was rejected."))
            else:
                messages.error(request, _("Unknown action."))
        except services.OfferError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("vendor_dashboard:offer-approval-list")


# --- Vendor ---------------------------------------------------------------------


class VendorProfileUpdateView(VendorRequiredMixin, UpdateView):
    """A vendor edits its own profile; there is no id in the URL to tamper with."""

    template_name = "vendors/dashboard/profile_form.html"
    form_class = VendorProfileForm
    context_object_name = "vendor"

    def get_object(self, queryset=None):
        return self.vendor

    def form_valid(self, form):
        form.save()
        messages.success(self.request, _("Your profile is saved."))
        return redirect("vendor_dashboard:profile")


class ProductImportUploadView(VendorRequiredMixin, FormView):
    template_name = "vendors/dashboard/import_upload.html"
    form_class = ProductImportForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            columns=services.TEMPLATE_COLUMNS,
            max_kb=services.settings.VENDOR_IMPORT_MAX_BYTES // 1024,
            categories=selectors.category_choices_text(),
            recent_imports=ProductImport.objects.filter(partner=self.vendor.partner_id)[:10],
            **kwargs,
        )

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > services.settings.VENDOR_IMPORT_MAX_BYTES:
            form.add_error(
                "file",
                _("The file is %(size)s KB; the limit is %(limit)s KB.")
                % {"size": upload.size // 1024, "limit": services.settings.VENDOR_IMPORT_MAX_BYTES // 1024},
            )
            return self.form_invalid(form)
        try:
            product_import = services.product_import_preview(
                partner=self.vendor.partner, user=self.request.user, filename=upload.name, data=upload.read()
            )
        except services.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        return redirect("vendor_dashboard:import-preview", pk=product_import.pk)


class ProductImportPreviewView(VendorRequiredMixin, TemplateView):
    """Shows each row as create/update with its errors; POST saves them all or none."""

    template_name = "vendors/dashboard/import_preview.html"

    def get_import(self):
        product_import = selectors.product_import_get_for_vendor(vendor=self.vendor, pk=self.kwargs["pk"])
        if product_import is None:
            raise Http404
        return product_import

    def get_context_data(self, **kwargs):
        product_import = self.get_import()
        rows = kwargs.pop("rows", None) or services.product_import_validate(
            partner=self.vendor.partner, rows=product_import.rows
        )
        return super().get_context_data(
            product_import=product_import,
            rows=rows,
            columns=[c for c in services.TEMPLATE_COLUMNS if any(c in r.values for r in rows)],
            error_count=sum(1 for r in rows if r.errors),
            **kwargs,
        )

    def post(self, request, pk):
        product_import = self.get_import()
        try:
            product_import = services.product_import_confirm(product_import=product_import)
        except services.ImportHasErrors as error:
            messages.error(
                request, _("The file has errors; nothing was saved. Fix them and upload it again.")
            )
            return self.render_to_response(self.get_context_data(rows=error.rows))
        messages.success(
            request,
            _("Saved: %(created)s new and %(updated)s updated products.")
            % {"created": product_import.created_count, "updated": product_import.updated_count},
        )
        return redirect("dashboard:catalogue-product-list")


class ProductImportTemplateView(VendorRequiredMixin, View):
    def get(self, request):
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                services.product_import_template_xlsx(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = 'attachment; filename="produkter-skabelon.xlsx"'
            return response
        response = HttpResponse(
            services.product_import_template_csv(), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="produkter-skabelon.csv"'
        return response


class OfferListView(VendorRequiredMixin, ListView):
    """The vendor's own offers (one per product it sells) with their approval state."""

    template_name = "vendors/dashboard/offer_list.html"
    context_object_name = "offers"
    paginate_by = 50

    def get_queryset(self):
        return selectors.offer_list_for_vendor(vendor=self.vendor).select_related("capacity")


class OfferProductSearchView(VendorRequiredMixin, ListView):
    """ "We make this too": find a product in the shop that the vendor does not offer yet."""

    template_name = "vendors/dashboard/offer_product_search.html"
    context_object_name = "products"
    paginate_by = 25

    def get_queryset(self):
        return selectors.products_vendor_can_offer(vendor=self.vendor, query=self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.request.GET.get("q", ""), **kwargs)


class OfferCreateView(VendorRequiredMixin, FormView):
    template_name = "vendors/dashboard/offer_form.html"
    form_class = OfferForm

    def get_product(self):
        product = (
            selectors.products_vendor_can_offer(vendor=self.vendor)
            .filter(pk=self.kwargs["product_pk"])
            .first()
        )
        if product is None:
            raise Http404
        return product

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            product=self.get_product(), approval_required=selectors.approval_required(), **kwargs
        )

    def form_valid(self, form):
        product = self.get_product()
        try:
            record = services.offer_create(vendor=self.vendor, product=product, **form.cleaned_data)
        except services.OfferError as error:
            field = {"sku": "partner_sku", "price": "price_excl_tax", "stock": "num_in_stock"}.get(error.code)
            form.add_error(field, error)
            return self.form_invalid(form)
        if record.offer_status == record.OfferStatus.PENDING:
            messages.success(
                self.request,
                _("Your offer of “%(title)s” is saved and waits for approval by the marketplace.")
                % {"title": product.get_title()},
            )
        else:
            messages.success(
                self.request, _("Your offer of “%(title)s” is for sale.") % {"title": product.get_title()}
            )
        return redirect("vendor_dashboard:offer-list")
