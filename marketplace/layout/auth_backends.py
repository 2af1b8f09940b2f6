"""Authentication backends whose permission look-ups are cached per user."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from oscar.apps.customer.auth_backends import EmailBackend as OscarEmailBackend

from .user_cache import user_cached

PERMISSIONS = "permissions"


class CachedPermissionsMixin:
    """`get_all_permissions` from the per-user cache (the layout asks on every page).

    Only the object-less, active-user case is cached; the result is the same
    set Django computes (user and group permissions, or all for a superuser).
    """

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):
            loader = super().get_all_permissions
            user_obj._perm_cache = user_cached(
                kind=PERMISSIONS, user_id=user_obj.pk, loader=lambda: set(loader(user_obj))
            )
        return user_obj._perm_cache


class EmailBackend(CachedPermissionsMixin, OscarEmailBackend):
    pass


class ModelBackend(CachedPermissionsMixin, DjangoModelBackend):
    pass
