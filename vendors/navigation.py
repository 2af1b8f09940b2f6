"""Dashboard menu access for the vendor entries.

Imported by the settings, so nothing here may import Django models or auth
at module level.
"""


def nav_staff_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    return user.is_active and user.is_staff


def nav_vendor_access(user, url_name=None, url_args=None, url_kwargs=None) -> bool:
    from vendors.selectors import vendor_for_user

    return not user.is_staff and vendor_for_user(user=user) is not None
