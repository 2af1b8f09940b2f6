"""Procurement's answers to other apps' events."""

from django.dispatch import receiver

from fulfilment.signals import order_units_cancelled, order_units_substituted


@receiver(order_units_cancelled, dispatch_uid="procurement-credit-cancelled-units")
def credit_cancelled_units(sender, *, order, lines, key, **kwargs):
    """Units of a bulk order cancelled in part: a credit note for just those units."""
    from fulfilment.services import CancellationError

    from .services import ProcurementError, order_lines_credit

    try:
        order_lines_credit(order=order, lines=lines, key=key)
    except ProcurementError as exc:
        raise CancellationError(" ".join(exc.messages)) from exc


@receiver(order_units_substituted, dispatch_uid="procurement-credit-substitute-difference")
def credit_substitute_difference(sender, *, order, substitution, **kwargs):
    """Units of a bulk order delivered as a cheaper substitute: a credit note for the difference."""
    from fulfilment.substitution import SubstitutionError

    from .services import ProcurementError, order_substitution_credit

    try:
        order_substitution_credit(order=order, substitution=substitution)
    except ProcurementError as exc:
        raise SubstitutionError(" ".join(exc.messages)) from exc
