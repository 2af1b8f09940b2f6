"""Oscar's product editor, with vendors unable to publish their own products.

A vendor's new product is hidden (is_public=False) until staff approve it,
unless VENDOR_PRODUCT_APPROVAL_REQUIRED is off; vendors never see the
"is public" switch. When a vendor changes the title, description or images of
a public product, it goes back to staff for approval.
"""

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _
from oscar.apps.dashboard.catalogue import views as oscar_views
from oscar.apps.dashboard.catalogue.views import *  # noqa: F403 (the views we do not change)
from oscar.core.loading import get_model

from marketplace.money import danish_amount_format
from vendors.selectors import approval_required
from vendors.services import product_requeue_after_vendor_edit

Product = get_model("catalogue", "Product")


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_staff:
            form.fields.pop("is_public", None)
            if self.creating:
                form.instance.is_public = not approval_required()
        return form

    def forms_valid(self, form, formsets):
        before = None
        if not self.creating and not self.request.user.is_staff:
            before = Product.objects.filter(pk=self.object.pk).values("title", "description").first()
        response = super().forms_valid(form, formsets)
        if before is not None:
            images = formsets.get("image_formset")
            requeued = product_requeue_after_vendor_edit(
                product=self.object,
                old_title=before["title"],
                old_description=before["description"],
                images_changed=bool(images is not None and images.has_changed()),
            )
            if requeued:
                messages.info(
                    self.request,
                    _("The product is hidden from the shop until staff have approved your changes."),
                )
        self._say_saved_prices(formsets.get("stockrecord_formset"))
        return response

    def _say_saved_prices(self, formset) -> None:
        """Echo the prices as saved, so a vendor sees at once what "49,95" became."""
        if formset is None:
            return
        for record_form in formset.forms:
            record = record_form.instance
            if record.pk and record.price is not None and "price" in record_form.changed_data:
                incl = (record.price * (1 + settings.VAT_RATE)).quantize(record.price)
                messages.info(
                    self.request,
                    _("Price saved for %(sku)s: %(price)s kr. excl. VAT, %(incl)s kr. incl. VAT in the shop.")
                    % {
                        "sku": record.partner_sku or record.partner,
                        "price": danish_amount_format(record.price),
                        "incl": danish_amount_format(incl),
                    },
                )
