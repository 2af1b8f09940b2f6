import oscar.apps.customer.apps as apps
from django.urls import path


class CustomerConfig(apps.CustomerConfig):
    """Forked for stock alerts on public products only, and safe registration and login."""

    name = "marketplace.oscar_apps.customer"

    def get_urls(self):
        from .verification import email_verify

        urls = super().get_urls()
        return [path("verify/<str:uidb64>/<str:token>/", email_verify, name="email-verify"), *urls]
