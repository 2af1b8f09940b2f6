"""Signals of the fulfilment app: other apps learn of its events here (Oscar's order/signals.py)."""

from django.dispatch import Signal

# Units of an order were cancelled on the vendor side (order_cancel), inside its transaction.
# Arguments: order, lines ({order line id: units cancelled}), key (unique per cancellation, for
# repeat-safe follow-ups such as a credit note). A receiver that raises rolls the cancellation back.
order_units_cancelled = Signal()

# Declined units of an order line are delivered as a cheaper substitute (fulfilment.substitution),
# inside the confirmation's transaction. Arguments: order, substitution (its rows carry the price
# reduction per unit; its pk keys repeat-safe follow-ups). A receiver that raises rolls it back.
order_units_substituted = Signal()
