"""Procurement's answers to other apps' events."""

from django.dispatch import receiver

from fulfilment.signals import order_units_cancelled


@receiver(order_units_cancelled, dispatch_uid="procurement-credit-cancelled-units")
def credit_cancelled_units(sender, *, order, lines, key, **kwargs):
    """Units of a bulk order cancelled in part: a credit note for just those units."""
    from fulfilment.services import CancellationError

    from .services import ProcurementError, order_lines_credit

    try:
        order_lines_credit(order=order, lines=lines, key=key)
    except ProcurementError as exc:
        raise CancellationError(" ".join(exc.messages)) from exc
