"""Payouts (Stripe Connect): each vendor's share of a paid order as a transfer, held or reversed."""

import logging
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from marketplace.tasks_enqueue import enqueue_on_commit
from payments.gateway import idempotency_key, stripe_api
from payments.gateway import to_ore as amount_in_ore
from vendors.models import VendorProfile

from .. import selectors
from ..models import OrderSplitState, VendorOrder, VendorOrderLine

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")

# Stripe's answers when the destination cannot receive transfers (yet): hold the payout.
ACCOUNT_NOT_READY_CODES = {"insufficient_capabilities_for_transfer", "account_invalid"}


def _account_is_ready(account) -> bool:
    """Transfers can go to the account: payouts enabled and the transfers capability active."""
    data = account.to_dict() if hasattr(account, "to_dict") else dict(account)
    capabilities = data.get("capabilities") or {}
    return bool(data.get("payouts_enabled")) and capabilities.get("transfers") == "active"


def vendor_account_ready_check(*, profile: VendorProfile) -> bool:
    """Ask Stripe whether the vendor's connected account can receive transfers; store the answer."""
    if not profile.stripe_account_id:
        return False
    account = stripe_api().Account.retrieve(profile.stripe_account_id)
    ready = _account_is_ready(account)
    if ready != profile.stripe_account_ready:
        VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=ready)
        profile.stripe_account_ready = ready
    return ready


def order_payouts_release(*, order) -> list[VendorOrder]:
    """The order is paid: pay every vendor its share, one Stripe transfer per vendor order.

    Card orders: called once the payment has succeeded (the charge becomes the
    transfers' source_transaction). Invoice orders: call it when staff mark the
    invoice paid. If the order is not split yet the request is recorded and the
    split releases the payouts when it is done. Vendors whose Stripe account is
    not ready are held and paid by `payouts_held_release` later. Safe to repeat:
    sent payouts are skipped and Stripe replays the idempotency key.
    """
    _order_payouts_requested_record(order=order)
    return _order_payouts_send(order=order)


def _order_payouts_requested_record(*, order) -> None:
    """The state row the follow-up sweep reads: payouts of this order may go (once it is split)."""
    updated = OrderSplitState.objects.filter(order_id=order.pk, payouts_requested_at__isnull=True).update(
        payouts_requested_at=timezone.now()
    )
    if not updated and not OrderSplitState.objects.filter(order_id=order.pk).exists():
        OrderSplitState.objects.get_or_create(
            order_id=order.pk, defaults={"payouts_requested_at": timezone.now()}
        )


def order_payouts_request(*, order) -> None:
    """The order is paid: record it, and release the payouts in a task after commit.

    For staff requests (an invoice marked paid): Stripe is not called in the request, and the
    follow-up sweep releases the payouts if the task is lost (the broker was down).
    """
    _order_payouts_requested_record(order=order)
    order_payouts_release_enqueue(order_id=order.pk)


def order_payouts_release_enqueue(*, order_id: int) -> None:
    """After commit, pay the vendors if the order is paid (order_payouts_release_if_paid) in a task."""
    from ..tasks import order_payouts_release_task

    enqueue_on_commit(order_payouts_release_task, order_id)


def order_payouts_release_if_paid(*, order) -> list[VendorOrder]:
    """After the split: release payouts if the card payment is in or payouts were already requested."""
    if (
        selectors.order_charge_id(order=order) is None
        and not OrderSplitState.objects.filter(order_id=order.pk, payouts_requested_at__isnull=False).exists()
    ):
        return []
    return _order_payouts_send(order=order)


def _order_payouts_send(*, order) -> list[VendorOrder]:
    if not OrderSplitState.objects.filter(order_id=order.pk, split_at__isnull=False).exists():
        return []
    charge_id = selectors.order_charge_id(order=order)
    ids = list(
        VendorOrder.objects.filter(
            order_id=order.pk,
            payout_state__in=[VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD],
        ).values_list("pk", flat=True)
    )
    return [vendor_order_payout_send(vendor_order_id=pk, charge_id=charge_id) for pk in ids]


def vendor_order_payout_send(*, vendor_order_id: int, charge_id: str | None) -> VendorOrder:
    """Transfer one vendor order's payout, or hold it when the vendor's account is not ready."""
    with transaction.atomic():
        vendor_order = (
            VendorOrder.objects.select_for_update(of=("self",))
            .select_related("order", "partner__vendor_profile")
            .get(pk=vendor_order_id)
        )
        if vendor_order.payout_state not in (VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD):
            return vendor_order
        if vendor_order.status == VendorOrder.Status.CANCELLED or vendor_order.payout_amount <= 0:
            vendor_order.payout_state = VendorOrder.PayoutState.NOT_APPLICABLE
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        profile = getattr(vendor_order.partner, "vendor_profile", None)
        if profile is None or not profile.stripe_account_id or not profile.stripe_account_ready:
            vendor_order.payout_state = VendorOrder.PayoutState.HELD
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        params = {
            "amount": amount_in_ore(vendor_order.payout_amount),
            "currency": vendor_order.order.currency.lower(),
            "destination": profile.stripe_account_id,
            "transfer_group": vendor_order.order.number,
            "metadata": {"vendor_order": str(vendor_order.pk), "order": vendor_order.order.number},
        }
        if charge_id:
            params["source_transaction"] = charge_id
        # The key names the vendor order and the state it was in: a retry of this attempt replays it,
        # while a payout held after Stripe refused it is a new attempt once the account is ready.
        key = idempotency_key(
            "vendor-order", vendor_order.pk, "payout", f"{vendor_order.updated_at:%Y%m%d%H%M%S%f}"
        )
        api = stripe_api()
        try:
            transfer = api.Transfer.create(**params, idempotency_key=key)
        except api.InvalidRequestError as exc:
            if exc.code not in ACCOUNT_NOT_READY_CODES:
                raise
            logger.warning("Stripe refused the payout of vendor order %s: %s", vendor_order.pk, exc)
            VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=False)
            vendor_order.payout_state = VendorOrder.PayoutState.HELD
            vendor_order.save(update_fields=["payout_state", "updated_at"])
            return vendor_order
        vendor_order.stripe_transfer_id = transfer["id"]
        vendor_order.payout_state = VendorOrder.PayoutState.SENT
        vendor_order.save(update_fields=["stripe_transfer_id", "payout_state", "updated_at"])
        return vendor_order


def payouts_held_release(*, partner_id: int | None = None) -> list[VendorOrder]:
    """Re-check the accounts of vendors with held payouts and send the payouts that can go now."""
    held = VendorOrder.objects.filter(payout_state=VendorOrder.PayoutState.HELD)
    if partner_id is not None:
        held = held.filter(partner_id=partner_id)
    sent = []
    for profile in VendorProfile.objects.filter(partner__vendor_orders__in=held).distinct():
        if not profile.stripe_account_ready and not vendor_account_ready_check(profile=profile):
            continue
        for vendor_order in held.filter(partner_id=profile.partner_id).select_related("order"):
            charge_id = selectors.order_charge_id(order=vendor_order.order)
            result = vendor_order_payout_send(vendor_order_id=vendor_order.pk, charge_id=charge_id)
            if result.payout_state == VendorOrder.PayoutState.SENT:
                sent.append(result)
    return sent


def vendor_account_updated(*, account) -> list[VendorOrder]:
    """Stripe's `account.updated` webhook: store readiness and release held payouts."""
    account_id, ready = account["id"], _account_is_ready(account)
    profile = VendorProfile.objects.filter(stripe_account_id=account_id).first()
    if profile is None:
        return []
    VendorProfile.objects.filter(pk=profile.pk).update(stripe_account_ready=ready)
    if not ready:
        return []
    return payouts_held_release(partner_id=profile.partner_id)


def vendor_payout_reversed(*, transfer) -> None:
    """Stripe's `transfer.reversed` webhook: the payout is reversed once the whole transfer is."""
    data = transfer.to_dict() if hasattr(transfer, "to_dict") else dict(transfer)
    if data.get("reversed") and data.get("id"):
        VendorOrder.objects.filter(stripe_transfer_id=data["id"]).update(
            payout_state=VendorOrder.PayoutState.REVERSED
        )


def _vendor_order_payout_cancel(*, vendor_order: VendorOrder) -> None:
    if vendor_order.payout_state in (VendorOrder.PayoutState.PENDING, VendorOrder.PayoutState.HELD):
        vendor_order.payout_state = VendorOrder.PayoutState.NOT_APPLICABLE
        vendor_order.save(update_fields=["payout_state", "updated_at"])
    elif vendor_order.payout_state == VendorOrder.PayoutState.SENT:
        vendor_order_payout_reverse(vendor_order_id=vendor_order.pk)


def vendor_order_payout_reverse(*, vendor_order_id: int, amount_ore: int | None = None) -> VendorOrder:
    """Reverse a sent transfer: all of what is left on it, or `amount_ore` of it.

    A refund or a cancelled vendor order calls this. The idempotency key holds
    what the transfer had reversed before, so a retry replays instead of
    reversing twice.
    """
    api = stripe_api()
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().get(pk=vendor_order_id)
        if vendor_order.payout_state != VendorOrder.PayoutState.SENT or not vendor_order.stripe_transfer_id:
            return vendor_order
        transfer = api.Transfer.retrieve(vendor_order.stripe_transfer_id)
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = remaining if amount_ore is None else min(amount_ore, remaining)
        if amount > 0:
            api.Transfer.create_reversal(
                vendor_order.stripe_transfer_id,
                amount=amount,
                metadata={"vendor_order": str(vendor_order.pk), "order": str(vendor_order.order_id)},
                idempotency_key=idempotency_key(
                    "vendor-order", vendor_order.pk, "reversal", transfer["amount_reversed"], amount
                ),
            )
        if amount >= remaining:
            vendor_order.payout_state = VendorOrder.PayoutState.REVERSED
            vendor_order.save(update_fields=["payout_state", "updated_at"])
        return vendor_order


def order_refund_reverse_payouts(*, order, line_ids=None) -> list[VendorOrder]:
    """A refund of a card-paid order takes the refunded share back from the vendors it affects.

    With `line_ids` (a refund of given lines) only the vendors of those lines
    are affected, each by its payout share of the refunded lines. Without, the
    charge's refunded fraction at Stripe applies to every vendor's transfer:
    a full refund reverses every transfer in full. Repeat-safe: the target is
    cumulative and only the part not yet reversed is reversed.
    """
    sent = list(
        VendorOrder.objects.filter(
            order_id=order.pk, payout_state=VendorOrder.PayoutState.SENT
        ).prefetch_related("lines")
    )
    if not sent:
        return []
    api = stripe_api()
    results = []
    if line_ids is not None:
        wanted = set(line_ids)
        for vo in sent:
            share = sum(
                (line.line_price_incl_tax for line in vo.lines.all() if line.pk in wanted), Decimal(0)
            )
            if not share:
                continue
            if share >= vo.subtotal_incl_tax:
                results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk))
            else:
                amount = amount_in_ore(share * (1 - vo.commission_rate))
                results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk, amount_ore=amount))
        return results
    charge_id = selectors.order_charge_id(order=order)
    if not charge_id:
        return []
    from ..models import Substitution

    if (
        VendorOrderLine.objects.filter(
            vendor_order__order_id=order.pk, status=VendorOrderLine.Status.CANCELLED
        ).exists()
        or Substitution.objects.filter(order_id=order.pk).exclude(status=Substitution.Status.OPEN).exists()
    ):
        # order_cancel and a decided substitution refund units and set exactly the vendors'
        # payouts they concern; spreading that refund over every vendor by the charge's refunded
        # fraction would take money from vendors whose units still go out.
        return []
    charge = api.Charge.retrieve(charge_id)
    if not charge["amount_refunded"]:
        return []
    fraction = Decimal(charge["amount_refunded"]) / Decimal(charge["amount"])
    for vo in sent:
        transfer = api.Transfer.retrieve(vo.stripe_transfer_id)
        target = int((Decimal(transfer["amount"]) * fraction).to_integral_value(rounding=ROUND_HALF_UP))
        missing = target - transfer["amount_reversed"]
        if fraction >= 1:
            results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk))
        elif missing > 0:
            results.append(vendor_order_payout_reverse(vendor_order_id=vo.pk, amount_ore=missing))
    return results


def order_refund_reverse_enqueue(*, order_id: int) -> None:
    """A refund was recorded: reverse the vendors' share in a task after commit (it calls Stripe).

    The request is recorded on the order's split state in the refund's own transaction, so a
    task lost with the broker or a killed worker is redone by the follow-up sweep.
    """
    from ..tasks import order_refund_reverse_task

    OrderSplitState.objects.filter(order_id=order_id).update(refund_reversal_requested_at=timezone.now())
    enqueue_on_commit(order_refund_reverse_task, order_id)


def order_refund_reverse_done(*, order, since) -> None:
    """The reversal asked for at or before ``since`` is done; a later request stays pending."""
    OrderSplitState.objects.filter(order_id=order.pk, refund_reversal_requested_at__lte=since).update(
        refund_reversal_requested_at=None
    )


def orders_refund_reversal_pending(*, older_than: timedelta):
    """Orders whose refund reversal was asked for more than ``older_than`` ago and is not done."""
    cutoff = timezone.now() - older_than
    return Order.objects.filter(split_state__refund_reversal_requested_at__lt=cutoff).order_by("pk")


def vendor_stripe_onboarding_link(*, profile: VendorProfile, refresh_url: str, return_url: str) -> str:
    """Create the vendor's Express account if it has none, and return an onboarding link."""
    api = stripe_api()
    with transaction.atomic():
        profile = VendorProfile.objects.select_for_update().get(pk=profile.pk)
        if not profile.stripe_account_id:
            account = api.Account.create(
                type="express",
                country="DK",
                email=profile.contact_email,
                business_profile={"name": profile.legal_name},
                capabilities={"transfers": {"requested": True}},
                metadata={"partner": str(profile.partner_id)},
                idempotency_key=idempotency_key("vendor", profile.pk, "account"),
            )
            profile.stripe_account_id = account["id"]
            profile.save(update_fields=["stripe_account_id", "updated_at"])
    link = api.AccountLink.create(
        account=profile.stripe_account_id,
        refresh_url=refresh_url,
        return_url=return_url,
        type="account_onboarding",
    )
    return link["url"]
