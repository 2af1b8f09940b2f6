"""Who may use which dashboard page: the one access policy of the project's own pages.

A policy is a name in `POLICIES`. Every rule asks `vendors.selectors` (`vendor_for_user`: an
approved vendor's user with dashboard access; `user_is_hub`), so "is a vendor" means the same
on every page. Three things ask the policies, always by name:

- a view, through its mixin (`policy = "staff"`): `StaffRequiredMixin`, `VendorRequiredMixin`, …;
- a dashboard app's `permissions_map` / `default_permissions` (`vendors.apps.PolicyDashboardConfig`):
  `policy_required` guards each URL with them;
- the dashboard menu (`marketplace.oscar_apps.dashboard.nav.default_access_fn`), which shows an
  entry to whom its page's permissions allow.

Anonymous users go to the login page; signed-in users a policy does not allow get 403;
inactive users never pass.
"""

from collections.abc import Callable

from django.contrib.auth.decorators import user_passes_test
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def _is_vendor(user) -> bool:
    from vendors.selectors import vendor_for_user

    # Cached on the user for the request: the mixin, the URL guard and the menu ask it once.
    return vendor_for_user(user=user) is not None


def _is_hub_or_staff(user) -> bool:
    from vendors.selectors import user_is_hub_or_staff

    return user_is_hub_or_staff(user=user)


POLICIES: dict[str, Callable[..., bool]] = {
    # Marketplace staff: onboarding, approvals, held payouts, every organisation.
    "staff": lambda user: user.is_staff,
    # A user of an approved vendor with dashboard access (the packing hub is one too).
    "vendor": _is_vendor,
    # A vendor's user who is not staff: staff get the staff dashboard, and have no payouts.
    "vendor_not_staff": lambda user: not user.is_staff and _is_vendor(user),
    "vendor_or_staff": lambda user: user.is_staff or _is_vendor(user),
    # Staff and the users of the approved packing hub (assembly plans, substitutions, bulk deliveries).
    "hub_or_staff": _is_hub_or_staff,
}


def _policy(name: str) -> Callable[..., bool]:
    try:
        return POLICIES[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name!r} is no access policy: use one of {sorted(POLICIES)} or a Django permission"
            " (app.codename)"
        ) from None


def _permission_lists(permissions) -> list[list[str]]:
    """Oscar's form of a permissions_map value: a list (all of them) or a tuple of lists (any list)."""
    return [permissions] if isinstance(permissions, list) else list(permissions)


def _allows_all(user, names: list[str]) -> bool:
    return all(user.has_perm(name) if "." in name else _policy(name)(user) for name in names)


def allows(user, permissions) -> bool:
    """Whether the user passes `permissions`: policy names or Django permissions ("app.codename").

    `permissions` has the form of Oscar's permissions_map values: a list that must all
    hold, or a tuple of such lists of which one must. None (or empty) lets everyone in.
    """
    if not permissions:
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    return any(_allows_all(user, names) for names in _permission_lists(permissions))


def check_permission_names(permissions) -> None:
    """Raise ImproperlyConfigured for a name that is neither a policy nor a Django permission."""
    for names in _permission_lists(permissions or []):
        for name in names:
            if "." not in name:
                _policy(name)


def policy_required(permissions):
    """A view decorator: anonymous users go to the login page, others `permissions` refuse get 403.

    The same answers as the mixins below give (`AccessMixin`'s login page and `next`).
    """
    check_permission_names(permissions)

    def passes(user) -> bool:
        if allows(user, permissions):
            return True
        if user.is_authenticated:
            raise PermissionDenied
        return False

    return user_passes_test(passes)


class AccessPolicyMixin(AccessMixin):
    """Views name the policy they need (`policy`); inactive users never pass."""

    policy: str = ""

    def allowed(self, user) -> bool:
        return allows(user, [self.policy])

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not (request.user.is_active and self.allowed(request.user)):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffRequiredMixin(AccessPolicyMixin):
    policy = "staff"


class VendorRequiredMixin(AccessPolicyMixin):
    """Only users of an approved vendor with dashboard access; sets self.vendor."""

    policy = "vendor"
    vendor = None

    def allowed(self, user) -> bool:
        from vendors.selectors import vendor_for_user

        self.vendor = vendor_for_user(user=user)
        return self.vendor is not None and super().allowed(user)


class VendorOrStaffMixin(AccessPolicyMixin):
    policy = "vendor_or_staff"


class HubOrStaffMixin(AccessPolicyMixin):
    """Staff and the users of the approved packing hub."""

    policy = "hub_or_staff"
