"""What Oscar does not record about Stripe: payment attempts and processed webhook events."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckoutPayment(models.Model):
    """One basket's card payment through a Stripe Checkout Session.

    The row is the lock that makes order placement happen exactly once: the
    buyer's return and the webhook both `select_for_update` it by order number
    and only the first finds no order yet. It also remembers everything needed
    to place the order when the buyer never comes back (address, shipping
    method, e-mail, language) and which stock it holds allocated.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for payment")
        PAID = "paid", _("Paid, order placed")
        RELEASED = "released", _("Cancelled or expired, stock released")
        REFUNDED = "refunded", _("Paid, but refunded: the order could not be placed as paid")

    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    basket = models.ForeignKey("basket.Basket", on_delete=models.SET_NULL, null=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    guest_email = models.EmailField(blank=True)
    shipping_address = models.JSONField(default=dict)
    shipping_method_code = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="da")
    amount = models.DecimalField(_("amount incl. VAT"), max_digits=12, decimal_places=2)
    # The prices the buyer agreed to when pressing "Pay", which the order is placed at:
    # {"lines": {"<basket line id>": {"excl": "200.00", "tax": "50.00"}},
    #  "shipping": {"excl": "47.20", "incl": "59.00"}, "total": "309.00"}
    priced_basket = models.JSONField(default=dict)
    currency = models.CharField(max_length=3, default="DKK")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    attempt = models.PositiveIntegerField(default=0)
    stripe_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    # [[stockrecord id, quantity], ...] allocated for this payment until it is paid or released.
    allocations = models.JSONField(default=list)
    last_error = models.TextField(blank=True)
    stripe_refund_id = models.CharField(max_length=255, blank=True)
    # Set when Stripe could not be reached to confirm the payment; a beat sweep retries soon.
    unconfirmed_since = models.DateTimeField(null=True, blank=True, db_index=True)
    order = models.OneToOneField(
        "order.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="checkout_payment"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("checkout payment")
        verbose_name_plural = _("checkout payments")

    def __str__(self):
        return f"{self.order_number} ({self.status})"


class StripeEvent(models.Model):
    """A webhook event already handled: a replayed delivery finds its id here and does nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=128)
    processed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.event_id} {self.type}"
