"""Privacy: recipients' names and addresses are blanked a set number of days after delivery."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import BulkOrder, Quotation, Recipient

ANONYMISED = "Anonymiseret"


def recipients_anonymise(*, now=None) -> int:
    """Blank recipients' names and addresses a set number of days after delivery."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PROCUREMENT_ANONYMISE_AFTER_DAYS)
    with transaction.atomic():
        due = Recipient.objects.select_for_update().filter(
            anonymised_at__isnull=True, delivered_at__isnull=False, delivered_at__lte=cutoff
        )
        order_ids = set(due.values_list("bulk_order_id", flat=True))
        count = due.update(
            name=ANONYMISED,
            attention="",
            street="",
            city="",
            phone="",
            email="",
            message="",
            anonymised_at=now,
        )
        for bulk_order in BulkOrder.objects.filter(pk__in=order_ids).select_related(
            "order__shipping_address"
        ):
            if not bulk_order.recipients.filter(anonymised_at__isnull=True).exists():
                bulk_order.anonymised_at = now
                bulk_order.save(update_fields=["anonymised_at"])
                address = bulk_order.order.shipping_address if bulk_order.order is not None else None
                if address is not None and bulk_order.recipients.count() == 1:
                    address.last_name, address.line1, address.line4 = ANONYMISED, "", ""
                    address.save(update_fields=["last_name", "line1", "line4"])
        # Quotes never ordered keep their recipients no longer than that after they expire.
        Quotation.objects.filter(valid_until__lt=timezone.localdate(cutoff)).exclude(draft={}).update(
            draft={}
        )
    return count
