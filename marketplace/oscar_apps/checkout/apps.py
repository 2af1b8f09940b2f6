import oscar.apps.checkout.apps as apps
from django.db import transaction
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    """Oscar's checkout plus the two Stripe return URLs (paid / went back without paying)."""

    name = "marketplace.oscar_apps.checkout"

    def ready(self):
        super().ready()
        self.stripe_return_view = get_class("checkout.views", "StripeReturnView")
        self.stripe_cancel_view = get_class("checkout.views", "StripeCancelView")

    def get_urls(self):
        urls = [url for url in super().get_urls() if url.name != "preview"]
        urls += self.post_process_urls(
            [
                # "Pay" commits the stock allocation and the payment row before calling
                # Stripe, so a late error can never roll back a session the buyer may pay.
                path(
                    "preview/",
                    transaction.non_atomic_requests(self.payment_details_view.as_view(preview=True)),
                    name="preview",
                ),
                # Not atomic per request: each step locks and commits on its own, so a
                # buyer's slow Stripe call never holds stock-record locks.
                path(
                    "stripe/return/",
                    transaction.non_atomic_requests(self.stripe_return_view.as_view()),
                    name="stripe-return",
                ),
                path(
                    "stripe/cancel/",
                    transaction.non_atomic_requests(self.stripe_cancel_view.as_view()),
                    name="stripe-cancel",
                ),
            ]
        )
        return urls
