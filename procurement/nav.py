"""Dashboard navigation access for bulk orders (imported by the settings: no models at import)."""


def _is_hub(user) -> bool:
    # Imported on call: the settings import this module before the apps are ready.
    from vendors.selectors import user_is_hub

    return user_is_hub(user=user)


def nav_bulk_orders_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    """Staff see every organisation; the packing hub sees the delivery lists."""
    return bool(user.is_active and (user.is_staff or _is_hub(user)))


def nav_staff_only(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return bool(user.is_active and user.is_staff)
