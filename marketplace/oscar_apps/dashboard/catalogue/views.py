"""Oscar's product editor, with vendors unable to publish their own products.

A vendor's new product is hidden (is_public=False) until staff approve it,
unless VENDOR_PRODUCT_APPROVAL_REQUIRED is off; vendors never see the
"is public" switch.
"""

from oscar.apps.dashboard.catalogue import views as oscar_views
from oscar.apps.dashboard.catalogue.views import *  # noqa: F403 (the views we do not change)

from vendors.selectors import approval_required


class ProductCreateUpdateView(oscar_views.ProductCreateUpdateView):
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_staff:
            form.fields.pop("is_public", None)
            if self.creating:
                form.instance.is_public = not approval_required()
        return form
