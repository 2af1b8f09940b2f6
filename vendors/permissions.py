"""Who may use which dashboard page: the one access policy of the project's own views.

Every rule asks `vendors.selectors` (`vendor_for_user`: an approved vendor's user with
dashboard access; `user_is_hub`), so "is a vendor" means the same on every page. Anonymous
users go to the login page; signed-in users the rule does not allow get 403.
"""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


class AccessPolicyMixin(AccessMixin):
    """Views say who may use them in `allowed(user)`; inactive users never may."""

    def allowed(self, user) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_active and self.allowed(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(AccessPolicyMixin):
    def allowed(self, user) -> bool:
        return user.is_staff


class VendorRequiredMixin(AccessPolicyMixin):
    """Only users of an approved vendor with dashboard access; sets self.vendor."""

    vendor = None

    def allowed(self, user) -> bool:
        from vendors.selectors import vendor_for_user

        self.vendor = vendor_for_user(user=user)
        return self.vendor is not None


class VendorOrStaffMixin(AccessPolicyMixin):
    def allowed(self, user) -> bool:
        from vendors.selectors import vendor_for_user

        return user.is_staff or vendor_for_user(user=user) is not None


class HubOrStaffMixin(AccessPolicyMixin):
    """Staff and the users of the approved packing hub."""

    def allowed(self, user) -> bool:
        from vendors.selectors import user_is_hub_or_staff

        return user_is_hub_or_staff(user=user)
