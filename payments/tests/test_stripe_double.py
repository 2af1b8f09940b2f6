"""The Stripe double answers the real stripe-python client like Stripe would."""

import json
import urllib.request

import pytest
import stripe

from payments.gateway import stripe_api


@pytest.fixture
def api(stripe_double):
    return stripe_api()


@pytest.fixture
def paid_charge(api, stripe_double):
    intent = api.PaymentIntent.create(
        amount=50000,
        currency="dkk",
        payment_method="pm_card_visa",
        confirm=True,
        transfer_group="100042",
        idempotency_key="pi-100042",
    )
    return intent.latest_charge


@pytest.fixture
def ready_account(api, stripe_double):
    account = api.Account.create(type="express", country="DK", email="v@example.dk", idempotency_key="acct-1")
    stripe_double.account_complete(account.id)
    return account.id


def test_same_idempotency_key_returns_the_first_result_and_creates_nothing_twice(
    api, stripe_double, paid_charge, ready_account
):
    params = dict(
        amount=12000,
        currency="dkk",
        destination=ready_account,
        transfer_group="100042",
        source_transaction=paid_charge,
        idempotency_key="vendor-order-7",
    )

    first = api.Transfer.create(**params)
    again = api.Transfer.create(**params)

    assert again.id == first.id
    assert len(stripe_double.objects["transfer"]) == 1
    assert [r["replayed"] for r in stripe_double.requests if r["path"] == "/v1/transfers"] == [False, True]


def test_reusing_an_idempotency_key_with_other_params_is_an_error(api, ready_account, paid_charge):
    api.Transfer.create(amount=100, currency="dkk", destination=ready_account, idempotency_key="k")

    with pytest.raises(stripe.IdempotencyError):
        api.Transfer.create(amount=200, currency="dkk", destination=ready_account, idempotency_key="k")


def test_transfer_to_an_account_that_has_not_finished_onboarding_is_refused(api):
    account = api.Account.create(type="express", idempotency_key="acct-new")

    with pytest.raises(stripe.InvalidRequestError) as error:
        api.Transfer.create(amount=100, currency="dkk", destination=account.id, idempotency_key="t")

    assert "capabilities" in error.value.user_message
    fetched = api.Account.retrieve(account.id)
    assert not (fetched.charges_enabled or fetched.payouts_enabled or fetched.details_submitted)


def test_account_link_onboarding_page_completes_the_account(api, stripe_double):
    account = api.Account.create(type="express", idempotency_key="acct-link")
    link = api.AccountLink.create(
        account=account.id,
        refresh_url="http://shop/refresh",
        return_url="http://shop/return",
        type="account_onboarding",
        idempotency_key="link-1",
    )

    request = urllib.request.Request(link.url, data=b"return_url=http://shop/return", method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(request)

    assert redirect.value.code == 303 and redirect.value.headers["Location"] == "http://shop/return"
    fetched = api.Account.retrieve(account.id)
    assert fetched.charges_enabled and fetched.payouts_enabled and fetched.details_submitted


def test_transfer_reversal_and_refund_limits(api, stripe_double, paid_charge, ready_account):
    transfer = api.Transfer.create(
        amount=30000,
        currency="dkk",
        destination=ready_account,
        source_transaction=paid_charge,
        transfer_group="100042",
        idempotency_key="t1",
    )

    reversal = api.Transfer.create_reversal(transfer.id, amount=10000, idempotency_key="r1")
    # 20 000 of the 50 000 øre charge are still transferred: 30 001 more would exceed it.
    with pytest.raises(stripe.InvalidRequestError):
        api.Transfer.create(
            amount=30001,
            currency="dkk",
            destination=ready_account,
            source_transaction=paid_charge,
            idempotency_key="t2",
        )
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        api.Refund.create(charge=paid_charge, amount=60000, idempotency_key="re-big")

    assert reversal.amount == 10000
    assert api.Transfer.retrieve(transfer.id).amount_reversed == 10000
    assert [t.id for t in api.Transfer.list(transfer_group="100042").data] == [transfer.id]
    assert too_much.value.code == "amount_too_large"
    assert {e["type"] for e in stripe_double.events} >= {"transfer.created", "transfer.reversed"}


def test_card_errors_are_stripe_shaped(api):
    with pytest.raises(stripe.CardError) as declined:
        api.PaymentIntent.create(
            amount=1000,
            currency="dkk",
            payment_method="pm_card_chargeDeclined",
            confirm=True,
            idempotency_key="d",
        )
    with pytest.raises(stripe.CardError) as needs_auth:
        api.PaymentIntent.create(
            amount=1000,
            currency="dkk",
            payment_method="pm_card_authenticationRequired",
            confirm=True,
            off_session=True,
            idempotency_key="a",
        )
    with pytest.raises(stripe.InvalidRequestError) as missing:
        api.Transfer.retrieve("tr_does_not_exist")

    assert declined.value.code == "card_declined" and declined.value.http_status == 402
    assert needs_auth.value.code == "authentication_required"
    assert missing.value.code == "resource_missing" and missing.value.http_status == 404


def test_webhooks_are_delivered_signed_so_stripe_python_verifies_them(stripe_double):
    received = []

    class Receiver(_Collector):
        sink = received

    server = _serve(Receiver)
    stripe_double.webhook_url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    stripe_api().Account.create(type="express", idempotency_key="acct-hook")
    stripe_double.account_complete(stripe_double.all("account")[0]["id"])
    stripe_double.wait_for_webhooks()
    server.shutdown()

    body, signature = received[0]
    event = stripe.Webhook.construct_event(body, signature, stripe_double.webhook_secret)
    assert event.type == "account.updated"
    assert json.loads(body)["data"]["object"]["payouts_enabled"] is True


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from threading import Thread  # noqa: E402


class _Collector(BaseHTTPRequestHandler):
    sink: list

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        self.sink.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def _serve(handler):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_state_file_keeps_objects_and_idempotency_across_a_restart(tmp_path):
    from stripe_double import StripeDouble

    path = str(tmp_path / "double.json")
    first = StripeDouble(state_file=path).start()
    stripe.api_key, stripe.api_base = "sk_test_x", first.url
    account = stripe.Account.create(type="express", idempotency_key="acct-restart")
    first.stop()

    second = StripeDouble(state_file=path).start()
    stripe.api_base = second.url
    again = stripe.Account.create(type="express", idempotency_key="acct-restart")
    second.stop()

    assert again.id == account.id
    assert list(second.objects["account"]) == [account.id]


def test_failed_webhook_is_redelivered_with_growing_delays_until_the_endpoint_answers(stripe_double):
    received = []

    class FailsTwice(_Collector):
        sink = received

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            received.append(self.headers["Stripe-Signature"])
            self.send_response(500 if len(received) <= 2 else 200)
            self.end_headers()

    server = _serve(FailsTwice)
    stripe_double.webhook_url = f"http://127.0.0.1:{server.server_address[1]}/hook"

    account = stripe_api().Account.create(type="express", idempotency_key="acct-retry")
    stripe_double.account_complete(account.id)  # emits account.updated
    stripe_double.wait_for_webhooks(10)
    server.shutdown()

    deliveries = stripe_double.deliveries
    assert [(d["attempt"], d["status"]) for d in deliveries] == [(1, 500), (2, 500), (3, 200)]
    assert len({d["event"] for d in deliveries}) == 1
    first_gap = deliveries[1]["at"] - deliveries[0]["at"]
    second_gap = deliveries[2]["at"] - deliveries[1]["at"]
    assert 0.2 <= first_gap < second_gap  # the fixture's schedule: 0.2 s, then 0.4 s
    assert len(received) == 3


def test_webhook_to_an_endpoint_that_is_down_gives_up_after_the_schedule(stripe_double):
    server = _serve(_Collector)
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    stripe_double.webhook_url = f"http://127.0.0.1:{port}/hook"

    account = stripe_api().Account.create(type="express", idempotency_key="acct-down")
    stripe_double.account_complete(account.id)  # emits account.updated
    stripe_double.wait_for_webhooks(10)

    assert [(d["attempt"], d["status"]) for d in stripe_double.deliveries] == [
        (1, 0),
        (2, 0),
        (3, 0),
        (4, 0),
        (5, 0),
    ]
