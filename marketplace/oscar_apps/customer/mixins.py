"""Registration with e-mail verification, without a request-less ``authenticate()`` (django-axes)."""

from django.contrib import messages
from django.utils.translation import gettext as _
from oscar.apps.customer import mixins as oscar_mixins
from oscar.apps.customer.mixins import PageTitleMixin  # noqa: F401  (loaded via get_classes)
from oscar.apps.customer.signals import user_registered

from .verification import email_verification_send


class RegisterUserMixin(oscar_mixins.RegisterUserMixin):
    def register_user(self, form):
        """Create the account inactive and mail the confirmation link; no login until it is opened."""
        user = form.save(commit=False)
        user.is_active = False
        user.save()
        user_registered.send_robust(sender=self, request=self.request, user=user)
        email_verification_send(user)
        messages.info(
            self.request,
            _(
                "We have sent a link to %(email)s: open it to confirm the address and log in. "
                "Until then you can check out as a guest."
            )
            % {"email": user.email},
        )
        return user
