"""Payouts by Stripe Connect transfers, against the local Stripe double over HTTP."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_model

from fulfilment import services
from fulfilment.models import OrderSplitState, VendorOrder
from fulfilment.tests.factories import place_order
from vendors.models import VendorProfile

PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")

BASKET = [("HF-VIN-01", 1), ("RR-KAF-01", 2), ("SB-SMA-01", 1)]


def _connect(stripe_double, code: str, *, complete: bool = True) -> str:
    """The vendor has a connected Express account; onboarding finished when `complete`."""
    account = services.stripe_api().Account.create(type="express", country="DK")
    if complete:
        stripe_double.account_complete(account["id"])
    VendorProfile.objects.filter(partner__code=code).update(
        stripe_account_id=account["id"], stripe_account_ready=complete
    )
    return account["id"]


def _pay_by_card(order) -> str:
    """What checkout does when the card payment succeeds: a charge, a payment source and a payment event."""
    intent = services.stripe_api().PaymentIntent.create(
        amount=int(order.total_incl_tax * 100),
        currency="dkk",
        payment_method="pm_card_visa",
        confirm=True,
        metadata={"order_number": order.number},
    )
    source_type, _created = SourceType.objects.get_or_create(name="Stripe")
    Source.objects.create(
        order=order,
        source_type=source_type,
        currency=order.currency,
        amount_allocated=order.total_incl_tax,
        amount_debited=order.total_incl_tax,
        reference=intent["id"],
    )
    event_type, _created = PaymentEventType.objects.get_or_create(name="Paid")
    PaymentEvent.objects.create(
        order=order, event_type=event_type, amount=order.total_incl_tax, reference=intent["latest_charge"]
    )
    return intent["latest_charge"]


def _paid_split_order(stripe_double):
    order = place_order(baskets=[("kurv", BASKET)])
    charge_id = _pay_by_card(order)
    services.order_split(order_id=order.pk)
    return order, charge_id


@pytest.mark.django_db
def test_card_paid_order_sends_one_transfer_per_vendor_with_amount_destination_group_source_and_key(
    demo_vendors, stripe_double
):
    # given: every vendor in the order has a ready account
    accounts = {
        code: _connect(stripe_double, code)
        for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken")
    }
    order, charge_id = _paid_split_order(stripe_double)

    # when: the split's follow-up task runs
    services.order_payouts_release_if_paid(order=order)

    # then
    transfers = {t["destination"]: t for t in stripe_double.all("transfer")}
    assert set(transfers) == set(accounts.values())
    for vo in VendorOrder.objects.filter(order=order).select_related("partner"):
        transfer = transfers[accounts[vo.partner.code]]
        assert transfer["amount"] == int(vo.payout_amount * 100)
        assert transfer["currency"] == "dkk"
        assert transfer["transfer_group"] == order.number
        assert transfer["source_transaction"] == charge_id
        assert vo.payout_state == VendorOrder.PayoutState.SENT
        assert vo.stripe_transfer_id == transfer["id"]
    keys = [r["idempotency_key"] for r in stripe_double.requests if r["path"] == "/v1/transfers"]
    vendor_order_ids = VendorOrder.objects.filter(order=order).values_list("pk", flat=True)
    assert len(set(keys)) == 4
    assert sorted(key.rsplit("-", 1)[0] for key in keys) == sorted(
        f"fk-vendor-order-{pk}-payout" for pk in vendor_order_ids
    )
    assert transfers[accounts["ristet-ro"]]["amount"] == 13430  # 158,00 kr. less 15 % = 134,30 kr.


@pytest.mark.django_db
def test_releasing_payouts_again_sends_no_second_transfer(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order, _charge = _paid_split_order(stripe_double)
    before = dict(VendorOrder.objects.filter(order=order).values_list("pk", "updated_at"))
    services.order_payouts_release(order=order)
    first_ids = set(VendorOrder.objects.filter(order=order).values_list("stripe_transfer_id", flat=True))

    # when: a release runs again, and one whose commit was lost after Stripe had made the transfers
    services.order_payouts_release(order=order)
    for pk, updated_at in before.items():
        VendorOrder.objects.filter(pk=pk).update(
            payout_state=VendorOrder.PayoutState.PENDING, stripe_transfer_id="", updated_at=updated_at
        )
    services.order_payouts_release(order=order)

    # then: Stripe replays the idempotency key, no money moves twice
    assert len(stripe_double.all("transfer")) == 4
    assert (
        set(VendorOrder.objects.filter(order=order).values_list("stripe_transfer_id", flat=True)) == first_ids
    )


@pytest.mark.django_db
def test_held_payout_is_flagged_for_staff_and_released_when_the_account_becomes_ready(
    demo_vendors, stripe_double, client
):
    # given: Skovbrynet has no account, Ristet Ro has not finished onboarding
    for code in ("havefolket", "verdensbutikken"):
        _connect(stripe_double, code)
    unfinished = _connect(stripe_double, "ristet-ro", complete=False)
    order, charge_id = _paid_split_order(stripe_double)

    services.order_payouts_release_if_paid(order=order)

    held = VendorOrder.objects.filter(order=order, payout_state=VendorOrder.PayoutState.HELD)
    assert set(held.values_list("partner__code", flat=True)) == {"ristet-ro", "skovbrynet"}
    assert len(stripe_double.all("transfer")) == 2
    staff = get_user_model().objects.get(email="admin@faelleskurv.example")
    client.force_login(staff)
    page = client.get(reverse("fulfilment:payouts-held")).content.decode()
    assert "Ristet Ro Kafferisteri" in page and "Bageriet Skovbrynet" in page
    assert unfinished in page

    # when: Ristet Ro finishes onboarding and Stripe's account.updated webhook is processed
    import stripe

    from payments.services import stripe_event_process

    stripe_double.account_complete(unfinished)
    event = next(e for e in reversed(stripe_double.events) if e["type"] == "account.updated")
    stripe_event_process(event=stripe.Event.construct_from(event, "sk_test_double"))

    # then: its payout goes out; Skovbrynet stays held
    ristet_ro = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    assert ristet_ro.payout_state == VendorOrder.PayoutState.SENT
    transfer = next(t for t in stripe_double.all("transfer") if t["destination"] == unfinished)
    assert transfer["amount"] == int(ristet_ro.payout_amount * 100)
    assert transfer["source_transaction"] == charge_id
    assert VendorOrder.objects.get(order=order, partner__code="skovbrynet").payout_state == "held"


@pytest.mark.django_db
def test_vendor_onboards_from_its_dashboard_and_the_periodic_recheck_releases_its_payout(
    demo_vendors, stripe_double, client
):
    for code in ("havefolket", "ristet-ro", "verdensbutikken"):
        _connect(stripe_double, code)
    order, _charge = _paid_split_order(stripe_double)
    services.order_payouts_release_if_paid(order=order)
    assert VendorOrder.objects.get(order=order, partner__code="skovbrynet").payout_state == "held"

    # when: the vendor clicks "Connect with Stripe" in its dashboard
    vendor = get_user_model().objects.get(email="skovbrynet@faelleskurv.example")
    client.force_login(vendor)
    response = client.post(reverse("fulfilment:stripe-connect"))

    # then: an Express account and an onboarding link were made, and the vendor is sent there
    profile = VendorProfile.objects.get(partner__code="skovbrynet")
    assert profile.stripe_account_id.startswith("acct_")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_double.url}/connect/onboard/{profile.stripe_account_id}")
    account = stripe_double.objects["account"][profile.stripe_account_id]
    assert account["type"] == "express" and account["email"] == profile.contact_email

    # when: onboarding is finished at Stripe and beat's re-check runs
    stripe_double.account_complete(profile.stripe_account_id)
    from fulfilment.tasks import payouts_held_release_task

    payouts_held_release_task.delay().get()

    # then
    vo = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    assert vo.payout_state == VendorOrder.PayoutState.SENT
    assert any(t["destination"] == profile.stripe_account_id for t in stripe_double.all("transfer"))
    page = client.get(reverse("fulfilment:stripe-connect")).content.decode()
    assert "Connect with Stripe" not in page and "Forbind med Stripe" not in page


@pytest.mark.django_db
def test_refund_of_one_vendors_lines_reverses_only_that_vendors_transfer(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order, _charge = _paid_split_order(stripe_double)
    services.order_payouts_release(order=order)
    coffee = VendorOrder.objects.get(order=order, partner__code="ristet-ro")

    services.order_refund_reverse_payouts(
        order=order, line_ids=list(coffee.lines.values_list("pk", flat=True))
    )

    transfers = {t["id"]: t for t in stripe_double.all("transfer")}
    assert (
        transfers[coffee.stripe_transfer_id]["amount_reversed"]
        == transfers[coffee.stripe_transfer_id]["amount"]
    )
    others = VendorOrder.objects.filter(order=order).exclude(pk=coffee.pk)
    assert all(transfers[vo.stripe_transfer_id]["amount_reversed"] == 0 for vo in others)
    coffee.refresh_from_db()
    assert coffee.payout_state == VendorOrder.PayoutState.REVERSED


@pytest.mark.django_db
def test_card_refund_reverses_each_vendor_by_the_refunded_share_and_a_full_refund_reverses_all(
    demo_vendors, stripe_double
):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order, charge_id = _paid_split_order(stripe_double)
    services.order_payouts_release(order=order)
    api = services.stripe_api()

    # when: half of the charge is refunded (Stripe then sends charge.refunded)
    half = int(order.total_incl_tax * 100) // 2
    api.Refund.create(charge=charge_id, amount=half)
    services.order_refund_reverse_payouts(order=order)
    services.order_refund_reverse_payouts(order=order)  # a replayed webhook changes nothing

    # then: each transfer is reversed by the same share, once
    charge = stripe_double.objects["charge"][charge_id]
    for transfer in stripe_double.all("transfer"):
        expected = round(Decimal(transfer["amount"]) * Decimal(half) / Decimal(charge["amount"]))
        assert transfer["amount_reversed"] == expected
    assert len(stripe_double.all("transfer_reversal")) == 4

    # when: the rest is refunded
    api.Refund.create(charge=charge_id)
    services.order_refund_reverse_payouts(order=order)

    # then
    assert all(t["reversed"] for t in stripe_double.all("transfer"))
    assert set(VendorOrder.objects.filter(order=order).values_list("payout_state", flat=True)) == {"reversed"}


@pytest.mark.django_db
def test_invoice_paid_order_pays_out_only_when_staff_mark_the_invoice_paid(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order = place_order(baskets=[("kurv", BASKET)])

    # when: the invoice is marked paid before the split has run
    assert services.order_payouts_release(order=order) == []
    assert OrderSplitState.objects.get(order=order).payouts_requested_at is not None
    assert stripe_double.all("transfer") == []

    # then: the split's follow-up pays out, without a source charge
    services.order_split(order_id=order.pk)
    services.order_payouts_release_if_paid(order=order)
    transfers = stripe_double.all("transfer")
    assert len(transfers) == 4
    assert all(t["source_transaction"] is None and t["transfer_group"] == order.number for t in transfers)


@pytest.mark.django_db
def test_unpaid_invoice_order_is_not_paid_out_after_the_split(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order = place_order(baskets=[("kurv", BASKET)])
    services.order_split(order_id=order.pk)

    assert services.order_payouts_release_if_paid(order=order) == []
    assert stripe_double.all("transfer") == []
    assert set(VendorOrder.objects.filter(order=order).values_list("payout_state", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_staff_cancelling_a_paid_vendor_order_reverses_its_transfer(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order, _charge = _paid_split_order(stripe_double)
    services.order_payouts_release(order=order)
    bakery = VendorOrder.objects.get(order=order, partner__code="skovbrynet")

    services.vendor_order_advance(vendor_order_id=bakery.pk, to_status=VendorOrder.Status.CANCELLED)

    bakery.refresh_from_db()
    assert bakery.payout_state == VendorOrder.PayoutState.REVERSED
    assert stripe_double.objects["transfer"][bakery.stripe_transfer_id]["reversed"] is True


@pytest.mark.django_db
def test_staff_refund_of_the_whole_order_reverses_every_vendor_transfer(
    demo_vendors, stripe_double, django_capture_on_commit_callbacks
):
    from payments.services import payment_refund_create

    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order, _charge = _paid_split_order(stripe_double)
    services.order_payouts_release(order=order)

    # when: staff refund the whole order from the order dashboard (the payments app)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund_create(order=order, amount=order.total_incl_tax, token="refund-all")

    # then
    assert all(t["reversed"] for t in stripe_double.all("transfer"))
    assert set(VendorOrder.objects.filter(order=order).values_list("payout_state", flat=True)) == {"reversed"}


@pytest.mark.django_db
def test_payout_refused_by_stripe_for_an_unready_account_is_held_and_flagged(demo_vendors, stripe_double):
    # given: the profile says ready, but the account at Stripe cannot receive transfers
    for code in ("havefolket", "ristet-ro", "verdensbutikken"):
        _connect(stripe_double, code)
    account = _connect(stripe_double, "skovbrynet", complete=False)
    VendorProfile.objects.filter(partner__code="skovbrynet").update(stripe_account_ready=True)
    order, _charge = _paid_split_order(stripe_double)

    services.order_payouts_release_if_paid(order=order)

    bakery = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    assert bakery.payout_state == VendorOrder.PayoutState.HELD
    assert VendorProfile.objects.get(partner__code="skovbrynet").stripe_account_ready is False
    assert len(stripe_double.all("transfer")) == 3

    # when: the account is finished and beat's re-check runs, a new attempt goes through
    stripe_double.account_complete(account)
    services.payouts_held_release()

    bakery.refresh_from_db()
    assert bakery.payout_state == VendorOrder.PayoutState.SENT
    assert stripe_double.objects["transfer"][bakery.stripe_transfer_id]["destination"] == account
