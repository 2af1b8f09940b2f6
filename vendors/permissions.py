"""Who may use the vendor pages of the dashboard."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class StaffRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; logged-in non-staff get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class VendorRequiredMixin(AccessMixin):
    """Only users of an approved vendor with dashboard access; sets self.vendor."""

    def dispatch(self, request, *args, **kwargs):
        from vendors.selectors import vendor_for_user

        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.vendor = vendor_for_user(user=request.user)
        if self.vendor is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
