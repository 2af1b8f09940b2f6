"""Dashboard navigation access for bulk orders (imported by the settings: no models at import)."""


def _is_hub(user) -> bool:
    return bool(
        user.is_active
        and user.has_perm("partner.dashboard_access")
        and user.partners.filter(vendor_profile__is_hub=True).exists()
    )


def nav_bulk_orders_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Staff see every organisation; the packing hub sees the delivery lists."""
    return bool(user.is_active and (user.is_staff or _is_hub(user)))


def nav_staff_only(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return bool(user.is_active and user.is_staff)
