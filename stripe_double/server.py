"""The Stripe double: state, API routes, hosted pages and webhook delivery.

One process-wide lock serialises every request, which keeps the state simple
and makes Idempotency-Key handling exact under concurrent clients.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import html
import json
import logging
import os
import queue
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlsplit

logger = logging.getLogger("stripe_double")

API_VERSION = "2025-08-27.basil"

# Seconds before each redelivery of a webhook that failed (no answer or not 2xx). Real Stripe
# retries with exponential backoff for up to three days; tests pass a fast schedule.
WEBHOOK_RETRY_DELAYS = (
    60.0,
    300.0,
    1800.0,
    3600.0,
    3 * 3600.0,
    6 * 3600.0,
    12 * 3600.0,
    24 * 3600.0,
    24 * 3600.0,
    24 * 3600.0,
)

# Test cards as documented by Stripe (https://docs.stripe.com/testing).
CARD_SUCCESS = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_INSUFFICIENT_FUNDS = "4000000000009995"
CARD_3DS_REQUIRED = "4000002760003184"
CARD_3DS_OPTIONAL = "4000002500003155"
TEST_CARDS = {
    CARD_SUCCESS: "success",
    CARD_DECLINE: "card_declined",
    CARD_INSUFFICIENT_FUNDS: "insufficient_funds",
    CARD_3DS_REQUIRED: "3ds",
    CARD_3DS_OPTIONAL: "3ds",
    "5555555555554444": "success",
}
# PaymentMethod ids for server-side confirmation (https://docs.stripe.com/testing#cards).
TEST_PAYMENT_METHODS = {
    "pm_card_visa": "success",
    "pm_card_mastercard": "success",
    "pm_card_chargeDeclined": "card_declined",
    "pm_card_visa_chargeDeclined": "card_declined",
    "pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds",
    "pm_card_authenticationRequired": "3ds",
    "pm_card_threeDSecure2Required": "3ds",
}
DECLINE_MESSAGES = {
    "card_declined": ("generic_decline", "Your card was declined."),
    "insufficient_funds": ("insufficient_funds", "Your card has insufficient funds."),
}


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header value for a webhook body, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's bracket notation (`a[b][0][c]=v`) back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+|\[\]", key)
        parts = [p for p in parts if p]
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "[]":
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


class StripeError(Exception):
    """An error answered in Stripe's JSON shape."""

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        **extra,
    ):
        super().__init__(message)
        self.status = status
        self.body = {"type": type_, "message": message}
        if code:
            self.body["code"] = code
            self.body["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
        if param:
            self.body["param"] = param
        self.body.update(extra)


def _missing(kind: str, id_: str, param: str = "id") -> StripeError:
    return StripeError(
        404, "invalid_request_error", f"No such {kind}: '{id_}'", code="resource_missing", param=param
    )


def _required(param: str) -> StripeError:
    return StripeError(
        400,
        "invalid_request_error",
        f"Missing required param: {param}.",
        code="parameter_missing",
        param=param,
    )


def _int(params: dict, name: str, *, required: bool = True, minimum: int = 0) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        if required:
            raise _required(name)
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise StripeError(
            400,
            "invalid_request_error",
            f"Invalid integer: {value}",
            code="parameter_invalid_integer",
            param=name,
        )
    if number < minimum:
        raise StripeError(
            400,
            "invalid_request_error",
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=name,
        )
    return number


def _bool(value) -> bool:
    return str(value).lower() == "true"


class ResponseHold:
    """Requests the double has carried out but whose answer it keeps back (see `StripeDouble.hold`).

    `held` is set once a matching request was handled (its object created, its
    idempotency key stored) and its answer is being withheld: the client is now
    waiting inside its API call, as with a network that lost the answer.
    `release()` lets every withheld answer go (to a client that may be gone).
    """

    def __init__(self, method: str, path: str, times: int, timeout: float):
        self.method, self.path, self.left, self.timeout = method, path, times, timeout
        self.held = threading.Event()
        self.requests: list[dict] = []
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def wait_released(self) -> None:
        self._released.wait(self.timeout)


class StripeDouble:
    """The double's state plus an HTTP server in a background thread.

    Tests read `requests`, `objects` and `events` directly (same process); a
    separate process (`python -m stripe_double`) exposes them at /_double/state.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        webhook_secret: str = "whsec_double",
        public_url: str | None = None,
        state_file: str | None = None,
        webhook_retry_delays: tuple[float, ...] = WEBHOOK_RETRY_DELAYS,
    ):
        self.host = host
        self.webhook_retry_delays = tuple(webhook_retry_delays)
        self.port = port
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.public_url = public_url
        self.state_file = state_file
        self.lock = threading.RLock()
        self.reset()
        self._load()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._webhook_queue: queue.Queue = queue.Queue()
        self._webhook_thread: threading.Thread | None = None
        # Failed webhooks waiting for their redelivery: timer -> (event, next attempt).
        self._retry_timers: dict[threading.Timer, tuple[dict, int]] = {}
        self.webhooks_enabled = True
        self._holds: list[ResponseHold] = []

    # --- lifecycle ---------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, dict[str, dict]] = {}
            self.requests: list[dict] = []
            self.events: list[dict] = []
            self.deliveries: list[dict] = []
            self._idempotency: dict[str, tuple[str, int, dict]] = {}

    def _load(self) -> None:
        """Objects survive a restart of `make run` when a state file is given."""
        if self.state_file and os.path.exists(self.state_file):
            with open(self.state_file) as handle:
                saved = json.load(handle)
            self.objects = saved.get("objects", {})
            self._idempotency = {k: tuple(v) for k, v in saved.get("idempotency", {}).items()}

    def persist(self) -> None:
        if not self.state_file:
            return
        with self.lock:
            data = json.dumps({"objects": self.objects, "idempotency": self._idempotency})
        tmp = f"{self.state_file}.tmp"
        with open(tmp, "w") as handle:
            handle.write(data)
        os.replace(tmp, self.state_file)

    @property
    def url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        return f"http://{self.host}:{self.port}"

    def start(self) -> StripeDouble:
        double = self

        class Handler(_Handler):
            pass

        Handler.double = double
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="stripe-double", daemon=True)
        self._thread.start()
        self._webhook_thread = threading.Thread(
            target=self._deliver_loop, name="stripe-double-webhooks", daemon=True
        )
        self._webhook_thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; webhooks already due are kept and delivered after `start()` again."""
        with self.lock:
            holds, self._holds = self._holds, []
        for hold in holds:
            hold.release()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        self._webhook_queue.put(None)
        if self._webhook_thread:
            self._webhook_thread.join(5)
        with self.lock:
            timers, self._retry_timers = self._retry_timers, {}
        for timer, item in timers.items():
            timer.cancel()
            self._webhook_queue.put(item)

    def serve_forever(self) -> None:
        self.start()
        try:
            while self._thread and self._thread.is_alive():
                self._thread.join(1)
        except KeyboardInterrupt:
            self.stop()

    # --- objects -----------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_hex(12)}"

    def store(self, kind: str, obj: dict) -> dict:
        self.objects.setdefault(kind, {})[obj["id"]] = obj
        return obj

    def get(self, kind: str, id_: str, label: str | None = None) -> dict:
        try:
            return self.objects[kind][id_]
        except KeyError:
            raise _missing(label or kind, id_)

    def all(self, kind: str) -> list[dict]:
        with self.lock:
            return list(self.objects.get(kind, {}).values())

    # --- events and webhooks -----------------------------------------------

    def emit(self, type_: str, obj: dict, *, idempotency_key: str | None = None) -> dict:
        event = {
            "id": self.new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1 if self.webhook_url else 0,
            "request": {"id": self.new_id("req"), "idempotency_key": idempotency_key},
            "type": type_,
        }
        self.events.append(event)
        self.store("event", event)
        if self.webhook_url and self.webhooks_enabled:
            self._webhook_queue.put((event, 1))
        return event

    def signed(self, event: dict, *, timestamp: int | None = None) -> tuple[str, str]:
        """The body and Stripe-Signature header for delivering `event` by hand."""
        payload = json.dumps(event, indent=2)
        return payload, sign_payload(payload, self.webhook_secret, timestamp)

    def _deliver_loop(self) -> None:
        while True:
            item = self._webhook_queue.get()
            if item is None:
                self._webhook_queue.task_done()
                return
            event, attempt = item
            try:
                status = self.deliver(event, attempt=attempt)
                if not 200 <= status < 300:
                    self._retry_later(event, attempt)
            finally:
                self._webhook_queue.task_done()

    def _retry_later(self, event: dict, attempt: int) -> None:
        """Redeliver a failed webhook after the next delay of the backoff schedule, as Stripe does."""
        if attempt > len(self.webhook_retry_delays):
            logger.warning("webhook %s given up after %d attempts", event["id"], attempt)
            return
        delay = self.webhook_retry_delays[attempt - 1]

        item = (event, attempt + 1)

        def due():
            with self.lock:
                if self._retry_timers.pop(timer, None) is None:
                    return  # cancelled by stop(), which requeued it
            self._webhook_queue.put(item)

        timer = threading.Timer(delay, due)
        timer.daemon = True
        with self.lock:
            self._retry_timers[timer] = item
        timer.start()

    def deliver(self, event: dict, *, attempt: int = 1) -> int:
        payload, signature = self.signed(event)
        request = urllib.request.Request(
            self.webhook_url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature,
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            logger.warning("webhook %s to %s failed: %s", event["id"], self.webhook_url, exc)
            status = 0
        with self.lock:
            self.deliveries.append(
                {
                    "event": event["id"],
                    "type": event["type"],
                    "status": status,
                    "attempt": attempt,
                    "at": time.monotonic(),
                }
            )
        return status

    def wait_for_webhooks(self, timeout: float = 10) -> None:
        """Block until every queued webhook has been delivered or given up, retries included (tests)."""
        deadline = time.monotonic() + timeout
        while (self._webhook_queue.unfinished_tasks or self._retry_timers) and time.monotonic() < deadline:
            time.sleep(0.05)

    # --- faults ------------------------------------------------------------

    def hold(self, method: str, path: str, *, times: int = 1, timeout: float = 120.0) -> ResponseHold:
        """Carry out the next `times` requests to `method path` but keep their answers back.

        Each answer is withheld until `release()`, `stop()` or `timeout` seconds, so a
        client (a worker process) can be killed while it waits inside the API call after
        Stripe has already done the work: the test of an idempotent retry.
        """
        hold = ResponseHold(method, path, times, timeout)
        with self.lock:
            self._holds.append(hold)
        return hold

    def _hold_for(self, method: str, path: str) -> ResponseHold | None:
        with self.lock:
            for hold in self._holds:
                if hold.left > 0 and hold.method == method and hold.path == path:
                    hold.left -= 1
                    return hold
        return None

    # --- request dispatch --------------------------------------------------

    def handle(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict, bool]:
        with self.lock:
            key = headers.get("idempotency-key")
            entry = {
                "method": method,
                "path": path,
                "params": params,
                "idempotency_key": key,
                "replayed": False,
                "stripe_account": headers.get("stripe-account"),
            }
            self.requests.append(entry)
            auth = headers.get("authorization", "")
            if not auth.startswith("Bearer sk_test_"):
                raise StripeError(
                    401,
                    "invalid_request_error",
                    "Invalid API Key provided: the double accepts only sk_test_ keys.",
                )
            if method == "POST" and key:
                fingerprint = json.dumps([path, params], sort_keys=True)
                if key in self._idempotency:
                    stored_fp, status, body = self._idempotency[key]
                    if stored_fp != fingerprint:
                        raise StripeError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same parameters "
                            "they were first used with. Try using a key other than "
                            f"'{key}' if you meant to execute a different request.",
                        )
                    entry["replayed"] = True
                    if status >= 400:
                        error = body["error"]
                        extra = {k: v for k, v in error.items() if k not in ("type", "message")}
                        raise StripeError(status, error["type"], error["message"], **extra)
                    return status, copy.deepcopy(body), True
            try:
                status, body = self.route(method, path, params, key)
            except StripeError as exc:
                status, body = exc.status, {"error": exc.body}
                if method == "POST" and key and status < 500:
                    self._idempotency[key] = (json.dumps([path, params], sort_keys=True), status, body)
                raise
            if method == "POST" and key:
                self._idempotency[key] = (json.dumps([path, params], sort_keys=True), status, body)
            if method == "POST":
                self.persist()
            return status, copy.deepcopy(body), False

    def route(self, method: str, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        for route_method, pattern, func in ROUTES:
            if route_method != method:
                continue
            match = re.fullmatch(pattern, path)
            if match:
                result = func(self, params, key, *match.groups())
                return 200, self.expand(result, params.get("expand") or [])
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def expand(self, obj: dict, paths: list[str]) -> dict:
        obj = copy.deepcopy(obj)
        kinds = {
            "payment_intent": "payment_intent",
            "latest_charge": "charge",
            "charge": "charge",
            "destination": "account",
            "source_transaction": "charge",
            "transfer": "transfer",
        }
        for dotted in paths if isinstance(paths, list) else [paths]:
            node = obj
            for part in dotted.split("."):
                if not isinstance(node, dict):
                    break
                value = node.get(part)
                if isinstance(value, str) and part in kinds:
                    value = copy.deepcopy(self.objects.get(kinds[part], {}).get(value, value))
                    node[part] = value
                node = value
        return obj

    def list_of(self, kind: str, params: dict, filters: tuple[str, ...], url: str) -> dict:
        items = sorted(self.objects.get(kind, {}).values(), key=lambda o: o["created"], reverse=True)
        for name in filters:
            if params.get(name):
                items = [o for o in items if o.get(name) == params[name]]
        limit = _int(params, "limit", required=False, minimum=1) or 10
        return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}

    # --- payments ----------------------------------------------------------

    def charge_create(self, pi: dict) -> dict:
        charge = self.store(
            "charge",
            {
                "id": self.new_id("ch"),
                "object": "charge",
                "amount": pi["amount"],
                "amount_captured": pi["amount"],
                "amount_refunded": 0,
                "balance_transaction": self.new_id("txn"),
                "captured": True,
                "created": int(time.time()),
                "currency": pi["currency"],
                "livemode": False,
                "metadata": dict(pi.get("metadata") or {}),
                "paid": True,
                "payment_intent": pi["id"],
                "refunded": False,
                "status": "succeeded",
                "transfer_group": pi.get("transfer_group"),
                "description": pi.get("description"),
                "receipt_email": pi.get("receipt_email"),
                "payment_method_details": {
                    "type": "card",
                    "card": {"brand": "visa", "last4": pi.get("_last4")},
                },
            },
        )
        pi["latest_charge"] = charge["id"]
        pi["status"] = "succeeded"
        pi["amount_received"] = pi["amount"]
        pi["last_payment_error"] = None
        pi["next_action"] = None
        self.emit("charge.succeeded", charge)
        self.emit("payment_intent.succeeded", pi)
        return charge

    def payment_intent_new(self, params: dict) -> dict:
        amount = _int(params, "amount", minimum=1)
        currency = (params.get("currency") or "").lower()
        if not currency:
            raise _required("currency")
        return self.store(
            "payment_intent",
            {
                "id": self.new_id("pi"),
                "object": "payment_intent",
                "amount": amount,
                "amount_received": 0,
                "client_secret": f"pi_secret_{secrets.token_hex(8)}",
                "created": int(time.time()),
                "currency": currency,
                "description": params.get("description"),
                "last_payment_error": None,
                "latest_charge": None,
                "livemode": False,
                "metadata": params.get("metadata") or {},
                "next_action": None,
                "payment_method": None,
                "receipt_email": params.get("receipt_email"),
                "status": "requires_payment_method",
                "transfer_group": params.get("transfer_group"),
            },
        )

    def payment_intent_fail(self, pi: dict, outcome: str) -> StripeError:
        if outcome == "3ds":
            code, decline, message, type_ = (
                "payment_intent_authentication_failure",
                None,
                "The provided PaymentMethod has failed authentication.",
                "invalid_request_error",
            )
        elif outcome == "authentication_required":
            code, decline, message, type_ = (
                "authentication_required",
                "authentication_required",
                "Your card was declined. This transaction requires authentication.",
                "card_error",
            )
        else:
            decline, message = DECLINE_MESSAGES[outcome]
            code, type_ = "card_declined", "card_error"
        error = {"type": type_, "code": code, "message": message}
        if decline:
            error["decline_code"] = decline
        pi["last_payment_error"] = error
        pi["status"] = "requires_payment_method"
        pi["next_action"] = None
        self.emit("payment_intent.payment_failed", pi)
        status = 402 if type_ == "card_error" else 400
        extra = {"payment_intent": copy.deepcopy(pi)}
        if decline:
            extra["decline_code"] = decline
        return StripeError(status, type_, message, code=code, **extra)

    def session_attempt(self, session: dict, card: str) -> str:
        """A card typed on the hosted page: 'success', 'requires_action' or an error message."""
        if session["status"] != "open":
            return "This Checkout Session is no longer active."
        digits = re.sub(r"\D", "", card)
        outcome = TEST_CARDS.get(digits)
        if outcome is None:
            return "Your card number is incorrect."
        pi = self.session_payment_intent(session)
        pi["_last4"] = digits[-4:]
        if outcome == "success":
            self.session_complete(session, pi)
            return "success"
        if outcome == "3ds":
            pi["status"] = "requires_action"
            pi["next_action"] = {"type": "use_stripe_sdk"}
            self.emit("payment_intent.requires_action", pi)
            return "requires_action"
        return str(self.payment_intent_fail(pi, outcome))

    def session_payment_intent(self, session: dict) -> dict:
        if session.get("payment_intent"):
            return self.objects["payment_intent"][session["payment_intent"]]
        pid = session.get("_payment_intent_data") or {}
        pi = self.payment_intent_new(
            {
                "amount": session["amount_total"],
                "currency": session["currency"],
                "metadata": pid.get("metadata") or {},
                "transfer_group": pid.get("transfer_group"),
                "description": pid.get("description"),
                "receipt_email": session.get("customer_email"),
            }
        )
        session["payment_intent"] = pi["id"]
        self.emit("payment_intent.created", pi)
        return pi

    def session_complete(self, session: dict, pi: dict) -> None:
        self.charge_create(pi)
        session["status"] = "complete"
        session["payment_status"] = "paid"
        session["url"] = None
        self.emit("checkout.session.completed", self.public(session))

    def public(self, obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def pay(self, session_id: str, card: str = CARD_SUCCESS) -> str:
        """Type `card` on a session's hosted page (tests): 'success', 'requires_action' or the error."""
        with self.lock:
            return self.session_attempt(self.get("checkout.session", session_id), card)

    def authenticate(self, session_id: str, *, succeed: bool = True) -> str:
        """Answer the 3-D Secure challenge of a session's payment (tests)."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            pi = self.session_payment_intent(session)
            if pi["status"] != "requires_action":
                return pi["status"]
            if succeed:
                self.session_complete(session, pi)
                return "success"
            return str(self.payment_intent_fail(pi, "3ds"))

    def account_complete(self, account_id: str) -> dict:
        """Finish Express onboarding: what a vendor does on Stripe's hosted pages."""
        with self.lock:
            account = self.get("account", account_id, "account")
            account.update(
                charges_enabled=True,
                payouts_enabled=True,
                details_submitted=True,
                capabilities={"card_payments": "active", "transfers": "active"},
                requirements={
                    "currently_due": [],
                    "eventually_due": [],
                    "past_due": [],
                    "disabled_reason": None,
                },
            )
            self.emit("account.updated", account)
            self.persist()
            return account


# --- API routes: (method, path regex, function(double, params, idempotency_key, *groups)) --------


def _session_create(d: StripeDouble, p: dict, key):
    mode = p.get("mode")
    if not mode:
        raise _required("mode")
    if mode != "payment":
        raise StripeError(
            400, "invalid_request_error", "The double supports only mode=payment.", param="mode"
        )
    if not p.get("success_url"):
        raise _required("success_url")
    items = p.get("line_items")
    if not isinstance(items, list) or not items:
        raise _required("line_items")
    total, currency, lines = 0, None, []
    for i, item in enumerate(items):
        price = item.get("price_data") or {}
        if not price:
            raise _required(f"line_items[{i}][price_data]")
        unit = _int(price, "unit_amount")
        quantity = _int(item, "quantity", minimum=1)
        cur = (price.get("currency") or "").lower()
        if not cur:
            raise _required(f"line_items[{i}][price_data][currency]")
        if currency and cur != currency:
            raise StripeError(
                400,
                "invalid_request_error",
                "All line items must use the same currency.",
                param=f"line_items[{i}][price_data][currency]",
            )
        currency = cur
        name = (price.get("product_data") or {}).get("name")
        if not name:
            raise _required(f"line_items[{i}][price_data][product_data][name]")
        total += unit * quantity
        lines.append({"description": name, "quantity": quantity, "amount_total": unit * quantity})
    session_id = d.new_id("cs_test")
    session = d.store(
        "checkout.session",
        {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": p.get("cancel_url"),
            "client_reference_id": p.get("client_reference_id"),
            "created": int(time.time()),
            "currency": currency,
            "customer_email": p.get("customer_email"),
            "expires_at": int(p.get("expires_at") or time.time() + 86400),
            "livemode": False,
            "locale": p.get("locale"),
            "metadata": p.get("metadata") or {},
            "mode": mode,
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": p["success_url"],
            "url": f"{d.url}/pay/{session_id}",
            "_payment_intent_data": p.get("payment_intent_data") or {},
            "_lines": lines,
        },
    )
    return d.public(session)


def _session_get(d, p, key, sid):
    return d.public(d.get("checkout.session", sid, "checkout.session"))


def _session_list(d, p, key):
    result = d.list_of("checkout.session", p, ("payment_intent",), "/v1/checkout/sessions")
    result["data"] = [d.public(s) for s in result["data"]]
    return result


def _session_expire(d, p, key, sid):
    session = d.get("checkout.session", sid, "checkout.session")
    if session["status"] != "open":
        raise StripeError(
            400, "invalid_request_error", 'Only Checkout Sessions with a status in ["open"] can be expired.'
        )
    session["status"] = "expired"
    session["url"] = None
    d.emit("checkout.session.expired", d.public(session), idempotency_key=key)
    return d.public(session)


def _pi_create(d, p, key):
    pi = d.payment_intent_new(p)
    d.emit("payment_intent.created", pi, idempotency_key=key)
    if _bool(p.get("confirm")):
        return _pi_confirm(d, p, key, pi["id"])
    if p.get("payment_method"):
        pi["payment_method"] = p["payment_method"]
    return d.public(pi)


def _pi_get(d, p, key, pid):
    return d.public(d.get("payment_intent", pid, "payment_intent"))


def _pi_confirm(d, p, key, pid):
    pi = d.get("payment_intent", pid, "payment_intent")
    if pi["status"] == "succeeded":
        raise StripeError(
            400,
            "invalid_request_error",
            "You cannot confirm this PaymentIntent because it has already succeeded.",
            code="payment_intent_unexpected_state",
        )
    method = p.get("payment_method") or pi.get("payment_method")
    if not method:
        raise StripeError(
            400,
            "invalid_request_error",
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            code="payment_intent_unexpected_state",
        )
    outcome = TEST_PAYMENT_METHODS.get(method)
    if outcome is None:
        raise _missing("PaymentMethod", method, "payment_method")
    pi["payment_method"] = method
    if outcome == "success":
        d.charge_create(pi)
    elif outcome == "3ds":
        if _bool(p.get("off_session")):
            raise d.payment_intent_fail(pi, "authentication_required")
        pi["status"] = "requires_action"
        pi["next_action"] = {"type": "use_stripe_sdk"}
    else:
        raise d.payment_intent_fail(pi, outcome)
    return d.public(pi)


def _pi_cancel(d, p, key, pid):
    pi = d.get("payment_intent", pid, "payment_intent")
    if pi["status"] == "succeeded":
        raise StripeError(
            400,
            "invalid_request_error",
            "You cannot cancel this PaymentIntent because it has a status of succeeded.",
            code="payment_intent_unexpected_state",
        )
    pi["status"] = "canceled"
    d.emit("payment_intent.canceled", pi, idempotency_key=key)
    return d.public(pi)


def _charge_get(d, p, key, cid):
    return d.get("charge", cid, "charge")


def _refund_create(d, p, key):
    if p.get("payment_intent"):
        pi = d.get("payment_intent", p["payment_intent"], "payment_intent")
        if not pi.get("latest_charge"):
            raise StripeError(
                400,
                "invalid_request_error",
                f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        charge = d.get("charge", pi["latest_charge"], "charge")
    elif p.get("charge"):
        charge = d.get("charge", p["charge"], "charge")
    else:
        raise StripeError(
            400,
            "invalid_request_error",
            "One of the following params should be provided for this request: payment_intent or charge.",
            code="parameter_missing",
        )
    remaining = charge["amount"] - charge["amount_refunded"]
    amount = _int(p, "amount", required=False, minimum=1)
    amount = remaining if amount is None else amount
    if remaining == 0:
        raise StripeError(
            400,
            "invalid_request_error",
            f"Charge {charge['id']} has already been refunded.",
            code="charge_already_refunded",
        )
    if amount > remaining:
        raise StripeError(
            400,
            "invalid_request_error",
            f"Refund amount ({amount / 100:.2f} {charge['currency']}) is greater than "
            f"unrefunded amount on charge ({remaining / 100:.2f} {charge['currency']})",
            code="amount_too_large",
            param="amount",
        )
    refund = d.store(
        "refund",
        {
            "id": d.new_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": p.get("metadata") or {},
            "payment_intent": charge["payment_intent"],
            "reason": p.get("reason"),
            "status": "succeeded",
        },
    )
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    d.emit("refund.created", refund, idempotency_key=key)
    d.emit("charge.refunded", charge, idempotency_key=key)
    return refund


def _refund_get(d, p, key, rid):
    return d.get("refund", rid, "refund")


def _refund_list(d, p, key):
    return d.list_of("refund", p, ("payment_intent", "charge"), "/v1/refunds")


def _account_create(d, p, key):
    type_ = p.get("type") or ("express" if not p.get("controller") else "custom")
    if type_ not in {"express", "standard", "custom"}:
        raise StripeError(400, "invalid_request_error", f"Invalid type: {type_}", param="type")
    account = d.store(
        "account",
        {
            "id": d.new_id("acct"),
            "object": "account",
            "type": type_,
            "business_type": p.get("business_type"),
            "capabilities": {"transfers": "inactive"},
            "charges_enabled": False,
            "country": p.get("country") or "DK",
            "created": int(time.time()),
            "default_currency": "dkk",
            "details_submitted": False,
            "email": p.get("email"),
            "metadata": p.get("metadata") or {},
            "payouts_enabled": False,
            "requirements": {
                "currently_due": ["external_account", "tos_acceptance.date"],
                "eventually_due": [],
                "past_due": [],
                "disabled_reason": "requirements.past_due",
            },
        },
    )
    return account


def _account_get(d, p, key, aid):
    return d.get("account", aid, "account")


def _account_update(d, p, key, aid):
    account = d.get("account", aid, "account")
    if "metadata" in p:
        account["metadata"].update(p["metadata"] or {})
    for name in ("email", "business_type"):
        if name in p:
            account[name] = p[name]
    d.emit("account.updated", account, idempotency_key=key)
    return account


def _account_list(d, p, key):
    return d.list_of("account", p, (), "/v1/accounts")


def _account_link_create(d, p, key):
    for name in ("account", "type"):
        if not p.get(name):
            raise _required(name)
    if p["type"] not in {"account_onboarding", "account_update"}:
        raise StripeError(400, "invalid_request_error", f"Invalid type: {p['type']}", param="type")
    d.get("account", p["account"], "account")
    if p["type"] == "account_onboarding" and not p.get("return_url"):
        raise _required("return_url")
    query = urlencode({"return_url": p.get("return_url") or "", "refresh_url": p.get("refresh_url") or ""})
    now = int(time.time())
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"{d.url}/connect/onboard/{p['account']}?{query}",
    }


def _transfer_create(d, p, key):
    amount = _int(p, "amount", minimum=1)
    currency = (p.get("currency") or "").lower()
    if not currency:
        raise _required("currency")
    if not p.get("destination"):
        raise _required("destination")
    account = d.get("account", p["destination"], "account")
    if account["capabilities"].get("transfers") != "active":
        raise StripeError(
            400,
            "invalid_request_error",
            "Your destination account needs to have at least one of the following capabilities enabled: "
            "transfers, crypto_transfers, legacy_payments",
            code="insufficient_capabilities_for_transfer",
            param="destination",
        )
    source = p.get("source_transaction")
    if source:
        charge = d.get("charge", source, "charge")
        if charge["currency"] != currency:
            raise StripeError(
                400,
                "invalid_request_error",
                "The currency of source_transaction's balance transaction must match the transfer currency.",
                param="currency",
            )
        used = sum(
            t["amount"] - t["amount_reversed"]
            for t in d.objects.get("transfer", {}).values()
            if t.get("source_transaction") == source
        )
        if used + amount > charge["amount"] - charge["amount_refunded"]:
            raise StripeError(
                400,
                "invalid_request_error",
                "Insufficient funds in source_transaction: the transfers would exceed "
                "the charge's available amount.",
                code="balance_insufficient",
                param="amount",
            )
    transfer_id = d.new_id("tr")
    transfer = d.store(
        "transfer",
        {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "created": int(time.time()),
            "currency": currency,
            "description": p.get("description"),
            "destination": account["id"],
            "destination_payment": d.new_id("py"),
            "livemode": False,
            "metadata": p.get("metadata") or {},
            "reversed": False,
            "source_transaction": source,
            "transfer_group": p.get("transfer_group"),
            "reversals": {
                "object": "list",
                "data": [],
                "has_more": False,
                "total_count": 0,
                "url": f"/v1/transfers/{transfer_id}/reversals",
            },
        },
    )
    d.emit("transfer.created", transfer, idempotency_key=key)
    return transfer


def _transfer_get(d, p, key, tid):
    return d.get("transfer", tid, "transfer")


def _transfer_list(d, p, key):
    return d.list_of("transfer", p, ("transfer_group", "destination"), "/v1/transfers")


def _transfer_update(d, p, key, tid):
    transfer = d.get("transfer", tid, "transfer")
    if "metadata" in p:
        transfer["metadata"].update(p["metadata"] or {})
    if "description" in p:
        transfer["description"] = p["description"]
    d.emit("transfer.updated", transfer, idempotency_key=key)
    return transfer


def _reversal_create(d, p, key, tid):
    transfer = d.get("transfer", tid, "transfer")
    remaining = transfer["amount"] - transfer["amount_reversed"]
    amount = _int(p, "amount", required=False, minimum=1)
    amount = remaining if amount is None else amount
    if remaining == 0 or amount > remaining:
        raise StripeError(
            400,
            "invalid_request_error",
            f"You have requested a reversal of {amount} but only {remaining} is left on transfer {tid}.",
            code="amount_too_large",
            param="amount",
        )
    reversal = d.store(
        "transfer_reversal",
        {
            "id": d.new_id("trr"),
            "object": "transfer_reversal",
            "amount": amount,
            "created": int(time.time()),
            "currency": transfer["currency"],
            "metadata": p.get("metadata") or {},
            "transfer": tid,
            "destination_payment_refund": d.new_id("pyr"),
        },
    )
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    transfer["reversals"]["data"].insert(0, reversal)
    transfer["reversals"]["total_count"] += 1
    d.emit("transfer.reversed", transfer, idempotency_key=key)
    return reversal


def _reversal_list(d, p, key, tid):
    transfer = d.get("transfer", tid, "transfer")
    return transfer["reversals"]


def _event_get(d, p, key, eid):
    return d.get("event", eid, "event")


def _event_list(d, p, key):
    return d.list_of("event", p, ("type",), "/v1/events")


ROUTES: list[tuple[str, str, Callable]] = [
    ("POST", r"/v1/checkout/sessions", _session_create),
    ("GET", r"/v1/checkout/sessions", _session_list),
    ("GET", r"/v1/checkout/sessions/([\w]+)", _session_get),
    ("POST", r"/v1/checkout/sessions/([\w]+)/expire", _session_expire),
    ("POST", r"/v1/payment_intents", _pi_create),
    ("GET", r"/v1/payment_intents/(\w+)", _pi_get),
    ("POST", r"/v1/payment_intents/(\w+)/confirm", _pi_confirm),
    ("POST", r"/v1/payment_intents/(\w+)/cancel", _pi_cancel),
    ("GET", r"/v1/charges/(\w+)", _charge_get),
    ("POST", r"/v1/refunds", _refund_create),
    ("GET", r"/v1/refunds", _refund_list),
    ("GET", r"/v1/refunds/(\w+)", _refund_get),
    ("POST", r"/v1/accounts", _account_create),
    ("GET", r"/v1/accounts", _account_list),
    ("GET", r"/v1/accounts/(\w+)", _account_get),
    ("POST", r"/v1/accounts/(\w+)", _account_update),
    ("POST", r"/v1/account_links", _account_link_create),
    ("POST", r"/v1/transfers", _transfer_create),
    ("GET", r"/v1/transfers", _transfer_list),
    ("GET", r"/v1/transfers/(\w+)", _transfer_get),
    ("POST", r"/v1/transfers/(\w+)", _transfer_update),
    ("POST", r"/v1/transfers/(\w+)/reversals", _reversal_create),
    ("GET", r"/v1/transfers/(\w+)/reversals", _reversal_list),
    ("GET", r"/v1/events", _event_list),
    ("GET", r"/v1/events/(\w+)", _event_get),
]


# --- HTTP handler and hosted pages ------------------------------------------------------------

TEXTS = {
    "en": {
        "title": "Test payment",
        "notice": "Stripe test double: no real money moves. Use a test card below.",
        "card": "Card number",
        "expiry": "Expiry (MM/YY)",
        "cvc": "CVC",
        "pay": "Pay",
        "back": "← Back to the shop",
        "cards": "Test cards",
        "success": "succeeds",
        "decline": "is declined",
        "threeds": "requires 3-D Secure authentication",
        "auth_title": "3-D Secure authentication",
        "auth_text": "Your bank asks you to confirm this payment.",
        "complete": "Complete authentication",
        "fail": "Fail authentication",
        "email": "E-mail",
        "done": "This payment page is no longer active.",
    },
    "da": {
        "title": "Testbetaling",
        "notice": "Stripe-testdouble: ingen rigtige penge flyttes. Brug et testkort herunder.",
        "card": "Kortnummer",
        "expiry": "Udløb (MM/ÅÅ)",
        "cvc": "CVC",
        "pay": "Betal",
        "back": "← Tilbage til butikken",
        "cards": "Testkort",
        "success": "godkendes",
        "decline": "afvises",
        "threeds": "kræver 3-D Secure-godkendelse",
        "auth_title": "3-D Secure-godkendelse",
        "auth_text": "Din bank beder dig bekræfte betalingen.",
        "complete": "Gennemfør godkendelse",
        "fail": "Afvis godkendelse",
        "email": "E-mail",
        "done": "Denne betalingsside er ikke længere aktiv.",
        # Stripe's own page speaks the buyer's language; its API messages stay English.
        "Your card was declined.": "Dit kort blev afvist.",
        "Your card has insufficient funds.": "Der er ikke dækning på dit kort.",
        "Your card number is incorrect.": "Kortnummeret er forkert.",
        "The provided PaymentMethod has failed authentication.": "Godkendelsen af kortet mislykkedes.",
        "This Checkout Session is no longer active.": "Denne betalingsside er ikke længere aktiv.",
    },
}

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{font-family:system-ui,sans-serif;background:#f6f9fc;color:#30313d;margin:0}}
main{{max-width:440px;margin:40px auto;background:#fff;border-radius:8px;padding:28px;
box-shadow:0 2px 8px rgba(0,0,0,.08)}}
.notice{{background:#fff4d6;border:1px solid #f0c36d;padding:8px 12px;border-radius:6px;font-size:14px}}
.amount{{font-size:28px;font-weight:600;margin:8px 0 16px}}
label{{display:block;font-size:14px;margin:12px 0 4px}}
input{{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d5dbe1;border-radius:6px;
font-size:16px}}
.row{{display:flex;gap:12px}} .row>div{{flex:1}}
button{{margin-top:18px;width:100%;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;
font-size:16px;cursor:pointer}}
button.secondary{{background:#e3e8ee;color:#30313d}}
.error{{color:#df1b41;background:#fde8ec;padding:8px 12px;border-radius:6px;margin-top:12px}}
table{{width:100%;font-size:14px;border-collapse:collapse}} td{{padding:2px 0}}
code{{cursor:pointer}} a{{color:#635bff}}
</style></head><body><main>{body}</main></body></html>"""


def _money(amount: int, currency: str) -> str:
    text = f"{amount / 100:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} {'kr.' if currency == 'dkk' else currency.upper()}"


class _Handler(BaseHTTPRequestHandler):
    double: StripeDouble
    server_version = "StripeDouble/1.0"

    def log_message(self, format, *args):  # noqa: A002 - BaseHTTPRequestHandler's signature
        logger.debug("%s %s", self.address_string(), format % args)

    def _params(self) -> tuple[str, dict]:
        parts = urlsplit(self.path)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            pairs += parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True)
        return parts.path.rstrip("/") or "/", decode_form(pairs)

    def _send(self, status: int, body: str | bytes, content_type: str, headers: dict | None = None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, body: dict, headers: dict | None = None):
        headers = {"Request-Id": self.double.new_id("req"), "Stripe-Version": API_VERSION, **(headers or {})}
        self._send(status, json.dumps(body), "application/json", headers)

    def _redirect(self, url: str):
        self.send_response(303)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def _dispatch(self, method: str):
        path, params = self._params()
        try:
            if path.startswith("/v1/"):
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    status, body, replayed = self.double.handle(method, path, params, headers)
                except StripeError as exc:
                    return self._json(exc.status, {"error": exc.body})
                hold = self.double._hold_for(method, path)
                if hold is not None:
                    with self.double.lock:
                        hold.requests.append(
                            {
                                "params": params,
                                "client": self.client_address,
                                "idempotency_key": headers.get("idempotency-key"),
                            }
                        )
                    hold.held.set()
                    hold.wait_released()
                try:
                    return self._json(status, body, {"Idempotent-Replayed": "true"} if replayed else None)
                except OSError:  # the client went away while its answer was held
                    return None
            if path == "/_double/state":
                with self.double.lock:
                    return self._json(
                        200,
                        {
                            "objects": self.double.objects,
                            "requests": self.double.requests,
                            "deliveries": self.double.deliveries,
                        },
                    )
            match = re.fullmatch(r"/pay/(\w+)(/3ds)?", path)
            if match:
                return self._pay(method, match.group(1), bool(match.group(2)), params)
            match = re.fullmatch(r"/connect/onboard/(\w+)", path)
            if match:
                return self._onboard(method, match.group(1), params)
            if path == "/":
                return self._send(200, "Stripe double: see /_double/state", "text/plain")
            self._json(
                404,
                {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"Unrecognized request URL ({method}: {path}).",
                    }
                },
            )
        except Exception:  # noqa: BLE001 - answer 500 like Stripe instead of dropping the socket
            logger.exception("stripe double failed on %s %s", method, path)
            self._json(500, {"error": {"type": "api_error", "message": "The Stripe double failed."}})

    # The hosted payment page (what checkout.stripe.com shows).
    def _pay(self, method: str, session_id: str, challenge: bool, params: dict):
        d = self.double
        with d.lock:
            session = d.objects.get("checkout.session", {}).get(session_id)
            if session is None:
                return self._send(404, "No such checkout session", "text/plain")
            lang = "da" if (session.get("locale") or "da").startswith("da") else "en"
            t = TEXTS[lang]
            error = ""
            if method == "POST" and challenge:
                pi = d.session_payment_intent(session)
                if session["status"] == "open" and pi["status"] == "requires_action":
                    if params.get("action") == "complete":
                        d.session_complete(session, pi)
                    else:
                        error = str(d.payment_intent_fail(pi, "3ds"))
                d.persist()
                if session["status"] == "complete":
                    return self._redirect(self._success_url(session))
                challenge = False
            elif method == "POST":
                outcome = d.session_attempt(session, params.get("card", ""))
                d.persist()
                if outcome == "success":
                    return self._redirect(self._success_url(session))
                if outcome == "requires_action":
                    return self._redirect(f"/pay/{session_id}/3ds")
                error = outcome
            elif session["status"] == "complete":
                return self._redirect(self._success_url(session))
            if method == "POST":
                d.persist()
            body = self._page_body(session, t, challenge, error)
        page = PAGE.format(lang=lang, title=html.escape(t["title"]), body=body)
        self._send(200, page, "text/html; charset=utf-8")

    def _success_url(self, session: dict) -> str:
        return session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"])

    def _page_body(self, session: dict, t: dict, challenge: bool, error: str) -> str:
        esc = html.escape
        back = (
            f'<p><a id="back" href="{esc(session["cancel_url"])}">{esc(t["back"])}</a></p>'
            if session.get("cancel_url")
            else ""
        )
        total = esc(_money(session["amount_total"], session["currency"]))
        head = f'<p class="notice">{esc(t["notice"])}</p><div class="amount" id="amount">{total}</div>'
        rows = []
        for line in session["_lines"]:
            times = f" × {line['quantity']}" if line["quantity"] > 1 else ""
            amount = esc(_money(line["amount_total"], session["currency"]))
            rows.append(
                f"<tr><td>{esc(line['description'])}{times}</td>"
                f"<td style='text-align:right'>{amount}</td></tr>"
            )
        lines = "".join(rows)
        err = f'<p class="error" role="alert" id="error">{esc(t.get(error, error))}</p>' if error else ""
        if session["status"] != "open":
            return f"{head}<p>{esc(t['done'])}</p>{back}"
        if challenge:
            return (
                f"{head}<h1>{esc(t['auth_title'])}</h1><p>{esc(t['auth_text'])}</p>"
                f'<form method="post"><button name="action" value="complete" id="complete">'
                f"{esc(t['complete'])}</button>"
                f'<button class="secondary" name="action" value="fail" id="fail">'
                f"{esc(t['fail'])}</button></form>"
            )
        shown = ((CARD_SUCCESS, "success"), (CARD_DECLINE, "decline"), (CARD_3DS_REQUIRED, "threeds"))
        cards = "".join(f"<tr><td><code>{n}</code></td><td>{esc(t[k])}</td></tr>" for n, k in shown)
        email = (
            f"<p>{esc(t['email'])}: <strong>{esc(session['customer_email'])}</strong></p>"
            if session.get("customer_email")
            else ""
        )
        return (
            f"{back}{head}<table>{lines}</table>{email}{err}"
            f'<form method="post"><label for="card">{esc(t["card"])}</label>'
            f'<input id="card" name="card" inputmode="numeric" autocomplete="off" required '
            f'placeholder="4242 4242 4242 4242">'
            f'<div class="row"><div><label for="exp">{esc(t["expiry"])}</label>'
            f'<input id="exp" name="exp" value="12/34"></div>'
            f'<div><label for="cvc">{esc(t["cvc"])}</label>'
            f'<input id="cvc" name="cvc" value="123"></div></div>'
            f'<button type="submit" id="submit">{esc(t["pay"])} '
            f"{total}</button></form>"
            f'<h2 style="font-size:15px;margin-top:24px">{esc(t["cards"])}</h2><table>{cards}</table>'
        )

    # Express onboarding (what connect.stripe.com shows).
    def _onboard(self, method: str, account_id: str, params: dict):
        d = self.double
        with d.lock:
            if account_id not in d.objects.get("account", {}):
                return self._send(404, "No such account", "text/plain")
        if method == "POST":
            d.account_complete(account_id)
            return self._redirect(params.get("return_url") or "/")
        esc = html.escape
        body = (
            f'<p class="notice">Stripe test double: Express onboarding for {esc(account_id)}.</p>'
            f"<h1>Stripe Connect</h1><form method='post'>"
            f"<input type='hidden' name='return_url' value='{esc(params.get('return_url', ''))}'>"
            f"<button id='complete-onboarding'>Complete onboarding</button></form>"
            f"<p><a href='{esc(params.get('refresh_url', ''))}'>Cancel</a></p>"
        )
        self._send(200, PAGE.format(lang="en", title="Onboarding", body=body), "text/html; charset=utf-8")
