"""Oscar's checkout with payment on Stripe's hosted page (Checkout Session).

Address -> shipping method -> preview (with VAT) -> "Pay" opens the Stripe page.
The order is placed by `payments.services.checkout_payment_complete`, from the
buyer's return here or from the webhook, whichever comes first.
"""

import logging

import stripe
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import generic
from oscar.apps.checkout import views as oscar_views
from oscar.core.loading import get_model

from marketplace.errors import rule_message
from payments.models import CheckoutPayment
from payments.services import (
    PaymentNotCompleted,
    StockUnavailable,
    checkout_payment_cancel,
    checkout_payment_complete,
    checkout_payment_get,
    checkout_payment_start,
    checkout_payment_unconfirmed,
    payment_error_text,
    payment_refunded_text,
)

logger = logging.getLogger("oscar.checkout")
Basket = get_model("basket", "Basket")

PENDING_ORDER_KEY = "stripe_pending_order_number"
CONFIRMING_RETRY_SECONDS = 5


def _confirming_page(request, *, order_number: str, error: Exception):
    """Stripe cannot say whether the buyer paid: a page that asks again by itself, never a 500.

    The payment keeps its stock and frozen basket, so the buyer never sees an empty
    basket; the webhook or the every-minute sweep places the order if the buyer leaves.
    """
    checkout_payment_unconfirmed(order_number=order_number, error=str(error))
    response = render(
        request,
        "oscar/checkout/confirming.html",
        {
            "order_number": order_number,
            "retry_url": request.get_full_path(),
            "retry_seconds": CONFIRMING_RETRY_SECONDS,
        },
    )
    response["Retry-After"] = str(CONFIRMING_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _basket_restore(request, payment) -> None:
    """Make the payment's basket, given back (thawed), this buyer's basket again.

    A page shown while the basket was frozen (e.g. the confirming page) makes Oscar's
    middleware drop a guest's basket cookie; without this the buyer would find an empty
    basket next to "your basket is kept". Oscar's own restore_frozen_basket does the same.
    """
    if payment is None or not payment.basket_id:
        return
    basket = Basket._default_manager.filter(pk=payment.basket_id, status=Basket.OPEN).first()
    if basket is None or request.basket.id == basket.id:
        return
    if request.basket.id:
        basket.merge(request.basket, add_quantities=False)
    basket.strategy = request.strategy
    request.basket = basket


def _refunded(request, payment) -> bool:
    """Paid, but refunded because the order could not be placed as paid: tell the buyer why."""
    if payment is None or payment.status != CheckoutPayment.Status.REFUNDED:
        return False
    messages.error(request, payment_refunded_text(payment))
    return True


class IndexView(oscar_views.IndexView):
    """Oscar's gateway; the returning customer's login gets the request, as django-axes needs."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs


ShippingAddressView = oscar_views.ShippingAddressView
UserAddressUpdateView = oscar_views.UserAddressUpdateView
UserAddressDeleteView = oscar_views.UserAddressDeleteView
ShippingMethodView = oscar_views.ShippingMethodView
ThankYouView = oscar_views.ThankYouView


class PaymentMethodView(oscar_views.PaymentMethodView):
    """Card is the only method: straight on to the preview."""

    def get_success_url(self):
        return reverse("checkout:preview")


class PaymentDetailsView(oscar_views.PaymentDetailsView):
    """The preview, whose "Pay" button allocates stock and redirects to Stripe."""

    def dispatch(self, request, *args, **kwargs):
        # Back from Stripe with the browser's back button: the basket is frozen for that
        # payment. Give it (and its stock) back before Oscar looks at the basket.
        pending = request.session.get(PENDING_ORDER_KEY)
        if pending and request.method == "GET":
            try:
                payment, order = checkout_payment_cancel(order_number=pending)
            except stripe.StripeError as exc:
                return _confirming_page(request, order_number=pending, error=exc)
            request.session.pop(PENDING_ORDER_KEY, None)
            if order is not None:
                request.session["checkout_order_id"] = order.id
                return redirect("checkout:thank-you")
            _basket_restore(request, payment)
            if _refunded(request, payment):
                return redirect("basket:summary")
            messages.info(
                request, _("You left the payment page, so nothing was charged. Your basket is kept.")
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.preview:
            return redirect("checkout:preview")
        return super().get(request, *args, **kwargs)

    def handle_place_order_submission(self, request):
        # The buyer accepts the terms before "Pay"; the check is on the server, not only `required`.
        if request.POST.get("accept_terms") != "1":
            message = _("Accept the terms and conditions to pay.")
            return self.render_preview(request, error=message, terms_error=message)
        return super().handle_place_order_submission(request)

    def submit(
        self,
        user,
        basket,
        shipping_address,
        shipping_method,
        shipping_charge,
        billing_address,
        order_total,
        payment_kwargs=None,
        order_kwargs=None,
        surcharges=None,
    ):
        order_kwargs = order_kwargs or {}
        order_number = str(self.generate_order_number(basket))
        self.checkout_session.set_order_number(order_number)
        self.checkout_session.set_submitted_basket(basket)
        success = self.request.build_absolute_uri(reverse("checkout:stripe-return"))
        cancel = self.request.build_absolute_uri(reverse("checkout:stripe-cancel"))
        try:
            start = checkout_payment_start(
                basket=basket,
                user=user,
                guest_email=order_kwargs.get("guest_email") or "",
                shipping_address=shipping_address,
                shipping_method=shipping_method,
                shipping_charge=shipping_charge,
                total=order_total,
                order_number=order_number,
                success_url=f"{success}?session_id={{CHECKOUT_SESSION_ID}}",
                cancel_url=f"{cancel}?order={order_number}",
                language=translation.get_language() or "da",
            )
        except StockUnavailable as exc:
            return self.render_preview(self.request, error=rule_message(exc), stock_problems=exc.problems)
        except PaymentNotCompleted as exc:
            return self.render_preview(self.request, error=str(exc))
        except stripe.StripeError as exc:
            logger.error("Order #%s: could not open Stripe checkout: %s", order_number, exc)
            return self.render_preview(
                self.request,
                error=_("The payment service could not be reached. Nothing was charged; please try again."),
            )
        self.request.session[PENDING_ORDER_KEY] = order_number
        return redirect(start.redirect_url)


class StripeReturnView(oscar_views.OrderPlacementMixin, generic.View):
    """Stripe sends the buyer here after paying: place the order (if the webhook has not) and thank them."""

    def get(self, request, *args, **kwargs):
        order_number = request.session.get(PENDING_ORDER_KEY)
        if not order_number:
            return redirect("basket:summary")
        try:
            order = checkout_payment_complete(order_number=order_number, request=request)
        except stripe.StripeError as exc:
            return _confirming_page(request, order_number=order_number, error=exc)
        if order is None:
            payment = checkout_payment_get(order_number=order_number)
            if payment is not None and payment.status == CheckoutPayment.Status.OPEN:
                # Not paid yet as far as Stripe knows (e.g. still processing): ask again shortly.
                # The basket stays frozen for this payment, so the buyer is not sent to it.
                return _confirming_page(
                    request, order_number=order_number, error=Exception("session not paid yet")
                )
            request.session.pop(PENDING_ORDER_KEY, None)
            _basket_restore(request, payment)
            if not _refunded(request, payment):
                messages.warning(
                    request, _("Your payment was not completed. Nothing was charged and your basket is kept.")
                )
            return redirect("basket:summary")
        self.checkout_session.flush()
        request.session.pop(PENDING_ORDER_KEY, None)
        request.session["checkout_order_id"] = order.id
        return redirect("checkout:thank-you")


class StripeCancelView(oscar_views.OrderPlacementMixin, generic.View):
    """The buyer left Stripe's page without paying (or after a decline): keep the cart, say why."""

    def get(self, request, *args, **kwargs):
        order_number = request.session.get(PENDING_ORDER_KEY)
        if not order_number or order_number != request.GET.get("order"):
            return redirect("basket:summary")
        try:
            payment, order = checkout_payment_cancel(order_number=order_number)
        except stripe.StripeError as exc:
            return _confirming_page(request, order_number=order_number, error=exc)
        if order is not None:
            self.checkout_session.flush()
            request.session.pop(PENDING_ORDER_KEY, None)
            request.session["checkout_order_id"] = order.id
            return redirect("checkout:thank-you")
        request.session.pop(PENDING_ORDER_KEY, None)
        _basket_restore(request, payment)
        if _refunded(request, payment):
            return redirect("basket:summary")
        if payment and payment.last_error:
            messages.error(
                request,
                _("Your payment was not completed: %(reason)s Nothing was charged and your basket is kept.")
                % {"reason": payment_error_text(payment.last_error)},
            )
        else:
            messages.warning(
                request, _("You left the payment page, so nothing was charged. Your basket is kept.")
            )
        return redirect("basket:summary")
