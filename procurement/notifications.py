"""E-mails to the municipal buyer about their order, in the buyer's language.

One receiver on BulkOrder's saves, so every path that changes the status (the pages, the admin,
a service called from the shell) tells the buyer: received (placed or awaiting approval),
approved, rejected, cancelled or withdrawn. The language is the one the buyer chose on the
organisation page, else the one they last ordered in (``Membership.language``), never the language
of the approver whose click sent the e-mail.
"""

from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .models import BulkOrder, Membership

TEMPLATES = {
    "received": "procurement/emails/order_received.txt",
    "approved": "procurement/emails/approved.txt",
    "rejected": "procurement/emails/rejected.txt",
    "cancelled": "procurement/emails/cancelled.txt",
}


def amount_kr(amount: Decimal) -> str:
    """An amount in kroner as the active language writes it: "1.249,00" in Danish, "1,249.00" in English."""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def active_language() -> str:
    """The language the user is using now (the request's), if it is one the shop speaks."""
    language = (translation.get_language() or "").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _event(instance: BulkOrder, created: bool, update_fields) -> str | None:
    if created:
        return "received"
    if not update_fields or "status" not in update_fields:
        return None
    return {
        BulkOrder.Status.PLACED: "approved",
        BulkOrder.Status.REJECTED: "rejected",
        BulkOrder.Status.CANCELLED: "cancelled",
    }.get(instance.status)


def _subject(event: str, bulk_order: BulkOrder) -> str:
    subjects = {
        "received": _("Order %(pk)s received"),
        "approved": _("Order %(pk)s approved"),
        "rejected": _("Order %(pk)s rejected"),
        "cancelled": _("Order %(pk)s cancelled"),
    }
    return subjects[event] % {"pk": bulk_order.pk}


def buyer_language(*, bulk_order: BulkOrder) -> str:
    membership = Membership.objects.filter(
        organisation_id=bulk_order.organisation_id, user_id=bulk_order.created_by_id
    ).first()
    return membership.language if membership else settings.LANGUAGE_CODE


def bulk_order_buyer_notify(*, bulk_order: BulkOrder, event: str) -> None:
    """Send the buyer the e-mail for this event after the transaction commits."""
    buyer = bulk_order.created_by
    if buyer is None or not buyer.email:
        return
    with translation.override(buyer_language(bulk_order=bulk_order)):
        total = amount_kr(bulk_order.total_incl_tax)
        subject = _subject(event, bulk_order)
        body = render_to_string(TEMPLATES[event], {"bulk_order": bulk_order, "total": total})
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [buyer.email]))


@receiver(post_save, sender=BulkOrder, dispatch_uid="procurement_buyer_emails")
def _bulk_order_saved(sender, instance: BulkOrder, created: bool, update_fields=None, **kwargs):
    event = _event(instance, created, update_fields)
    if event is None:
        return
    if created and instance.created_by_id:
        # The buyer's language is the one they order in; later e-mails use it.
        Membership.objects.filter(
            organisation_id=instance.organisation_id, user_id=instance.created_by_id, language_chosen=False
        ).update(language=active_language())
    bulk_order_buyer_notify(bulk_order=instance, event=event)
