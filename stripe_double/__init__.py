"""A small, stateful stand-in for the part of the Stripe API this project uses.

Tests and the offline demo must never reach the internet, yet the real
stripe-python client must be exercised over HTTP. The double speaks Stripe's
wire format (form-encoded requests, JSON objects, Stripe-shaped errors,
Idempotency-Key replays, signed webhooks) for Checkout Sessions with a hosted
test-card page, PaymentIntents, charges, refunds, Connect accounts and account
links, transfers and transfer reversals.
"""

from .server import StripeDouble, sign_payload

__all__ = ["StripeDouble", "sign_payload"]
