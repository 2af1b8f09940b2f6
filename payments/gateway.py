"""The one place that configures stripe-python: keys, API base (the local double) and retries.

Every module that talks to Stripe calls `stripe_api()` first and passes an
`idempotency_key` on every POST, so a retried request never charges, refunds
or transfers twice.
"""

from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

DEFAULT_API_BASE = "https://api.stripe.com"


def stripe_api():
    """stripe-python configured from settings (read on every call, so tests can override them)."""
    stripe.api_key = settings.STRIPE_SECRET_KEY
    stripe.api_base = settings.STRIPE_API_BASE or DEFAULT_API_BASE
    # Safe because every POST carries an idempotency key.
    stripe.max_network_retries = 2
    return stripe


def idempotency_key(*parts) -> str:
    """A deterministic key from what makes the request unique (e.g. order number, attempt)."""
    return "fk-" + "-".join(str(p) for p in parts)


def to_ore(amount: Decimal) -> int:
    """Kroner to Stripe's integer øre."""
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_ore(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


def stripe_is_local() -> bool:
    """True when payments go to the local double (no real Stripe keys configured)."""
    return bool(settings.STRIPE_API_BASE) and settings.STRIPE_API_BASE != DEFAULT_API_BASE
