"""Signals the payments app sends (Oscar's order/signals.py style); other apps connect receivers."""

from django.dispatch import Signal

# Sent for every verified, first-seen Stripe webhook event, after payments' own handling:
# receivers get `event` (a stripe.Event) and run inside the event's transaction. Fulfilment
# keeps its payouts' bookkeeping with it (account.updated, charge.refunded, transfer.reversed).
stripe_event_received = Signal()
