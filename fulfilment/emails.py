"""E-mails to vendors (pick lists) and to the hub (assembly plan)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from oscar.core.loading import get_model

from marketplace.csv_export import csv_bytes
from marketplace.site_url import site_url

from . import selectors
from .models import VendorOrder

Order = get_model("order", "Order")
CommunicationEventType = get_model("communication", "CommunicationEventType")
CommunicationEvent = get_model("order", "CommunicationEvent")

PICK_LISTS_EVENT = "FULFILMENT_PICK_LISTS"


def _site_url() -> str:
    """Scheme and host for links in e-mails (SITE_SCHEME and SITE_DOMAIN)."""
    return site_url()


def order_pick_lists_send(*, order_id: int) -> int:
    """Send each vendor its pick list (with a CSV) and the hub the assembly plan; once per order.

    Sending is recorded as an Oscar communication event on the order, under a
    row lock, so a retried or duplicated task sends nothing twice.
    """
    event_type, _created = CommunicationEventType.objects.get_or_create(
        code=PICK_LISTS_EVENT,
        defaults={"name": "Pick lists and assembly plan", "category": CommunicationEventType.ORDER_RELATED},
    )
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",)).select_related("shipping_address").get(pk=order_id)
        )
        if CommunicationEvent.objects.filter(order=order, event_type=event_type).exists():
            return 0
        vendor_orders = list(
            VendorOrder.objects.filter(order=order)
            .exclude(status=VendorOrder.Status.CANCELLED)
            .select_related("order", "partner", "partner__vendor_profile")
            .prefetch_related("partner__users")
        )
        baskets = selectors.order_baskets(order=order)
        messages = []
        with translation.override(settings.LANGUAGE_CODE):
            for vendor_order in vendor_orders:
                recipients = sorted(_vendor_recipients(vendor_order.partner))
                if not recipients:
                    continue
                pick_list = selectors.vendor_order_pick_list(vendor_order=vendor_order, baskets=baskets)
                context = {"pick_list": pick_list, "vendor_order": vendor_order, "order": order}
                message = EmailMultiAlternatives(
                    subject=render_to_string("fulfilment/email/pick_list_subject.txt", context).strip(),
                    body=render_to_string("fulfilment/email/pick_list_body.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=recipients,
                )
                message.attach_alternative(
                    render_to_string("fulfilment/email/pick_list_body.html", context), "text/html"
                )
                message.attach(
                    f"plukliste-{order.number}-{vendor_order.partner.code}.csv",
                    csv_bytes(selectors.pick_list_csv_rows(pick_list=pick_list)),
                    "text/csv",
                )
                messages.append(message)
            hub = selectors.hub_profile()
            if hub is not None and hub.contact_email:
                plan = selectors.order_assembly_plan(order=order, baskets=baskets)
                context = {"plan": plan, "order": order, "hub": hub, "site_url": _site_url()}
                message = EmailMultiAlternatives(
                    subject=render_to_string("fulfilment/email/assembly_plan_subject.txt", context).strip(),
                    body=render_to_string("fulfilment/email/assembly_plan_body.txt", context),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[hub.contact_email],
                )
                messages.append(message)
        get_connection().send_messages(messages)
        CommunicationEvent.objects.create(order=order, event_type=event_type)
    return len(messages)


def order_cancellation_send(*, order_id: int, vendor_order_ids: list[int], reason: str) -> int:
    """Tell each affected vendor what was cancelled (what is left to deliver) and the hub the same."""
    from django.core.mail import EmailMessage
    from django.utils.translation import gettext as _

    order = Order.objects.get(pk=order_id)
    vendor_orders = list(
        VendorOrder.objects.filter(pk__in=vendor_order_ids)
        .select_related("partner", "partner__vendor_profile")
        .prefetch_related("partner__users")
    )
    baskets = selectors.order_baskets(order=order)
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        summary = []
        for vo in vendor_orders:
            pick_list = selectors.vendor_order_pick_list(vendor_order=vo, baskets=baskets)
            left = "\n".join(f"  {row.quantity} × {row.title} ({row.sku})" for row in pick_list.rows) or _(
                "  Nothing: the whole vendor order is cancelled."
            )
            body = _(
                "Order %(number)s has been cancelled in part or in full.\n"
                "Reason: %(reason)s\n\nStill to deliver for this order:\n%(left)s\n\n"
                "Do not pack the cancelled items. The payout follows what is left."
            ) % {"number": order.number, "reason": reason or "-", "left": left}
            summary.append(f"{vo.partner.name}:\n{left}")
            recipients = _vendor_recipients(vo.partner)
            if recipients:
                subject = _("Cancelled: order %(number)s") % {"number": order.number}
                messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, sorted(recipients)))
        hub = selectors.hub_profile()
        if hub is not None and hub.contact_email:
            body = _(
                "Order %(number)s has been cancelled in part or in full.\nReason: %(reason)s\n\n"
                "What the affected vendors still deliver:\n%(summary)s\n\n"
                "The assembly plan shows only what is left."
            ) % {"number": order.number, "reason": reason or "-", "summary": "\n\n".join(summary)}
            subject = _("Cancelled: order %(number)s") % {"number": order.number}
            messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [hub.contact_email]))
    get_connection().send_messages(messages)
    return len(messages)


def _vendor_recipients(partner) -> set[str]:
    """The vendor's users and its profile's contact address (prefetch partner__users, __vendor_profile)."""
    recipients = {u.email for u in partner.users.all() if u.email}
    profile = getattr(partner, "vendor_profile", None)
    if profile and profile.contact_email:
        recipients.add(profile.contact_email)
    return recipients


def substitution_send(*, substitution_ids: list[int], event: str) -> int:
    """E-mails about substitutions: "opened" to the hub and staff, "confirmed"/"rejected" to the
    buyer, the hub and the vendors that now deliver. Amounts in Danish format."""
    from django.core.mail import EmailMessage
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from marketplace.money import danish_amount_format

    from .models import Substitution

    substitutions = list(
        Substitution.objects.filter(pk__in=substitution_ids)
        .select_related("order", "order__user", "line", "product", "declined_from__partner")
        .prefetch_related("rows__vendor_order__partner__users", "rows__vendor_order__partner__vendor_profile")
    )
    messages = []
    hub = selectors.hub_profile()
    staff_and_hub = sorted(
        {settings.MARKETPLACE_CONTACT_EMAIL} | ({hub.contact_email} if hub and hub.contact_email else set())
    )
    with translation.override(settings.LANGUAGE_CODE):
        for sub in substitutions:
            order = sub.order
            facts = {
                "number": order.number,
                "units": sub.quantity,
                "item": sub.line.title,
                "vendor": sub.declined_from.partner.name,
                "reason": sub.reason,
                "substitute": sub.product.get_title() if sub.product else "-",
                "amount": danish_amount_format(sub.refund_incl_tax),
                "url": site_url(reverse("fulfilment:substitution-detail", args=[sub.pk])),
            }
            if event == "opened":
                subject = _("Substitute needed: order %(number)s") % facts
                body = (
                    _(
                        "%(vendor)s declined %(units)s × %(item)s of order %(number)s (reason: %(reason)s) "
                        "and no other enterprise can deliver them.\n\nProposed substitute: %(substitute)s\n\n"
                        "Confirm or choose another substitute, or reject: %(url)s"
                    )
                    % facts
                )
                messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, staff_and_hub))
                continue
            if event == "confirmed":
                subject = _("Changed: order %(number)s") % facts
                buyer_body = (
                    _(
                        "%(units)s × %(item)s in your order %(number)s cannot be delivered; you receive "
                        "%(units)s × %(substitute)s instead."
                    )
                    % facts
                )
                if sub.refund_incl_tax > 0:
                    buyer_body += (
                        "\n"
                        + _(
                            "The substitute is cheaper: %(amount)s incl. VAT is refunded to your card, or "
                            "credited on a credit note for invoiced orders."
                        )
                        % facts
                    )
                hub_body = (
                    _(
                        "Order %(number)s: %(units)s × %(substitute)s replace %(item)s "
                        "(declined by %(vendor)s). The pick lists and the assembly plan show the change."
                    )
                    % facts
                )
                for partner in {row.vendor_order.partner for row in sub.rows.all()}:
                    recipients = _vendor_recipients(partner)
                    if recipients:
                        vendor_body = (
                            _(
                                "New units for order %(number)s: %(units)s × %(substitute)s "
                                "(a substitute for %(item)s). See your pick list in the dashboard."
                            )
                            % facts
                        )
                        sender = settings.DEFAULT_FROM_EMAIL
                        messages.append(EmailMessage(subject, vendor_body, sender, sorted(recipients)))
            else:
                subject = _("Not delivered: part of order %(number)s") % facts
                buyer_body = (
                    _(
                        "%(units)s × %(item)s in your order %(number)s cannot be delivered and no substitute "
                        "could be found. %(amount)s incl. VAT is refunded to your card, or credited on a "
                        "credit note for invoiced orders."
                    )
                    % facts
                )
                hub_body = (
                    _(
                        "Order %(number)s: %(units)s × %(item)s are not delivered (declined by %(vendor)s, "
                        "no substitute). The assembly plan shows what is left."
                    )
                    % facts
                )
            if order.email:
                messages.append(EmailMessage(subject, buyer_body, settings.DEFAULT_FROM_EMAIL, [order.email]))
            messages.append(EmailMessage(subject, hub_body, settings.DEFAULT_FROM_EMAIL, staff_and_hub))
    get_connection().send_messages(messages)
    return len(messages)
