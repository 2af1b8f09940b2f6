"""Dashboard navigation access for the fulfilment pages.

Imported by the settings, so nothing here touches models at import time.
"""


def _is_vendor(user) -> bool:
    # Imported on call: the settings import this module before the apps are ready.
    from vendors.selectors import vendor_for_user

    # Memoised on the user for the request: the menu asks once per entry.
    return vendor_for_user(user=user) is not None


def nav_vendor_orders_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_active and (user.is_staff or _is_vendor(user))


def nav_fulfilment_staff_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_active and user.is_staff


def nav_fulfilment_vendor_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return not user.is_staff and _is_vendor(user)


def nav_substitutions_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    from vendors.selectors import user_is_hub_or_staff

    return user_is_hub_or_staff(user=user)
