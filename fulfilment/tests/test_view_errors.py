"""What the fulfilment pages say when a rule refuses or Stripe is down, and that a bug is not hidden."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from fulfilment import services
from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order
from vendors.models import VendorProfile


def _user(email):
    return get_user_model().objects.get(email=email)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def held_payout(demo_vendors):
    """Havefolket's payout of a split order is held: its Stripe account is not ready yet."""
    order = place_order(loose=[("HF-HON-01", 2)])
    services.order_split(order_id=order.pk)
    vendor_order = VendorOrder.objects.get(order=order, partner__code="havefolket")
    VendorOrder.objects.filter(pk=vendor_order.pk).update(payout_state=VendorOrder.PayoutState.HELD)
    VendorProfile.objects.filter(partner=vendor_order.partner).update(
        stripe_account_id="acct_havefolket", stripe_account_ready=False
    )
    return vendor_order


@pytest.mark.django_db
def test_releasing_held_payouts_while_stripe_is_down_says_so_and_keeps_them_held(
    held_payout, client, settings
):
    # given: Stripe cannot be reached (nothing listens on port 1)
    settings.STRIPE_API_BASE = "http://127.0.0.1:1"
    settings.STRIPE_SECRET_KEY = "sk_test_unreachable"
    client.force_login(_user("admin@faelleskurv.example"))

    # when: staff press "release held payouts"
    response = client.post(reverse("fulfilment:payouts-held"), follow=True)

    # then: the page says Stripe could not be reached, and the payout is still held
    assert response.status_code == 200
    assert "Stripe kunne ikke nås. Prøv igen senere." in _messages(response)
    held_payout.refresh_from_db()
    assert held_payout.payout_state == VendorOrder.PayoutState.HELD


@pytest.mark.django_db
def test_a_bug_behind_the_held_payouts_button_is_not_hidden_behind_the_stripe_message(
    demo_vendors, client, monkeypatch
):
    # given: releasing payouts fails with a programming error, not a Stripe error
    def broken(**kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(services, "payouts_held_release", broken)
    client.force_login(_user("admin@faelleskurv.example"))

    # when / then: the error reaches Django (a 500, logged), it is not turned into a message
    with pytest.raises(ZeroDivisionError):
        client.post(reverse("fulfilment:payouts-held"))


@pytest.mark.django_db
def test_a_refused_cancel_step_shows_the_rules_reason(demo_vendors, client, monkeypatch):
    # given: the cancellation rules refuse the staff's cancel step (e.g. the refund is refused)
    order = place_order(loose=[("HF-HON-01", 2)])
    services.order_split(order_id=order.pk)
    vendor_order = VendorOrder.objects.get(order=order, partner__code="havefolket")

    def refused(**kwargs):
        raise services.CancellationError("Refusionen blev afvist af banken.")

    monkeypatch.setattr(services, "vendor_order_advance", refused)
    client.force_login(_user("admin@faelleskurv.example"))

    # when: staff cancel the vendor order
    response = client.post(
        reverse("fulfilment:vendor-order-detail", args=[vendor_order.pk]), {"action": "cancel"}, follow=True
    )

    # then: the page shows the rule's own reason
    assert "Refusionen blev afvist af banken." in _messages(response)
