"""The dashboard start page: a vendor sees a summary of its own shop, not the whole store's figures."""

from django.views.generic import TemplateView
from oscar.apps.dashboard import views as oscar_views
from oscar.apps.dashboard.views import *  # noqa: F403 (the views we do not change)

from vendors.selectors import vendor_dashboard_summary, vendor_for_user


class IndexView(oscar_views.IndexView):
    def get_vendor(self):
        return None if self.request.user.is_staff else vendor_for_user(user=self.request.user)

    def get_template_names(self):
        if self.get_vendor() is not None:
            return ["vendors/dashboard/index.html"]
        return super().get_template_names()

    def get_context_data(self, **kwargs):
        vendor = self.get_vendor()
        if vendor is None:
            return super().get_context_data(**kwargs)
        ctx = TemplateView.get_context_data(self, **kwargs)
        ctx.update(vendor=vendor, **vendor_dashboard_summary(vendor=vendor))
        return ctx
