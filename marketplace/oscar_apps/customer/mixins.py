"""Registration without a request-less ``authenticate()`` (django-axes needs the request)."""

from django.conf import settings
from django.contrib.auth import login as auth_login
from oscar.apps.customer import mixins as oscar_mixins
from oscar.apps.customer.mixins import PageTitleMixin  # noqa: F401  (loaded via get_classes)
from oscar.apps.customer.signals import user_registered


class RegisterUserMixin(oscar_mixins.RegisterUserMixin):
    def register_user(self, form):
        user = form.save()
        user_registered.send_robust(sender=self, request=self.request, user=user)
        if getattr(settings, "OSCAR_SEND_REGISTRATION_EMAIL", True):
            self.send_registration_email(user)
        # The password was just set by this form: no second check through the backends.
        auth_login(self.request, user, backend="marketplace.layout.auth_backends.EmailBackend")
        return user
