"""Celery tasks: thin wrappers that fetch fresh rows through the services."""

from celery import shared_task

from . import services


@shared_task(name="procurement.invoice_issue", acks_late=True)
def invoice_issue_task(bulk_order_id: int) -> int | None:
    invoice = services.invoice_issue(bulk_order_id=bulk_order_id)
    if invoice is None:
        return None
    # Issued and committed: transmit and e-mail it in the same task (the outbox sweep retries failures).
    services.invoice_transmit(invoice_id=invoice.pk)
    services.invoice_email_send(invoice_id=invoice.pk)
    return invoice.number


@shared_task(name="procurement.invoices_missing_sweep", acks_late=True)
def invoices_missing_sweep() -> int:
    """Issue invoices for placed orders whose task was lost (broker down at commit)."""
    from .models import BulkOrder

    missing = BulkOrder.objects.filter(
        status__in=[BulkOrder.Status.PLACED, BulkOrder.Status.DELIVERED], order__isnull=False
    ).exclude(invoices__kind="invoice")
    count = 0
    for pk in missing.values_list("pk", flat=True):
        if services.invoice_issue(bulk_order_id=pk):
            count += 1
    return count


@shared_task(name="procurement.invoice_transmit", acks_late=True)
def invoice_transmit_task(invoice_id: int) -> str:
    status = services.invoice_transmit(invoice_id=invoice_id).transmission_status
    services.invoice_email_send(invoice_id=invoice_id)
    return status


@shared_task(name="procurement.invoices_transmit_sweep", acks_late=True)
def invoices_transmit_sweep() -> int:
    """Send what is still in the outbox (task lost, or the sender failed) up to a capped number of tries."""
    from .models import Invoice

    waiting = Invoice.objects.exclude(transmission_status=Invoice.Transmission.SENT).filter(
        transmission_attempts__lt=services.MAX_TRANSMISSION_ATTEMPTS
    )
    sent = 0
    for pk in waiting.values_list("pk", flat=True):
        if services.invoice_transmit(invoice_id=pk).transmission_status == Invoice.Transmission.SENT:
            sent += 1
    unmailed = Invoice.objects.filter(emailed_at__isnull=True).exclude(
        bulk_order__organisation__invoice_email=""
    )
    for pk in unmailed.values_list("pk", flat=True):
        services.invoice_email_send(invoice_id=pk)
    return sent


@shared_task(name="procurement.recipients_anonymise", acks_late=True)
def recipients_anonymise_task() -> int:
    return services.recipients_anonymise()
