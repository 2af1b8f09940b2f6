import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oscar.core.loading import get_model

from marketplace.errors import rule_message

from .forms import RefundForm
from .services import (
    RefundError,
    WebhookRejected,
    order_refundable_amount,
    payment_refund_create,
    stripe_event_construct,
    stripe_event_process,
)

logger = logging.getLogger("payments")
Order = get_model("order", "Order")


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request):
    """Stripe's event delivery: only correctly signed, fresh events are handled, each once."""
    signature = request.headers.get("Stripe-Signature", "")
    if not signature or not settings.STRIPE_WEBHOOK_SECRET:
        return HttpResponseBadRequest("missing signature")
    try:
        event = stripe_event_construct(
            payload=request.body.decode(), signature=signature, secret=settings.STRIPE_WEBHOOK_SECRET
        )
        processed = stripe_event_process(event=event)
    except UnicodeDecodeError:
        return HttpResponseBadRequest("invalid payload")
    except WebhookRejected as exc:
        logger.warning("webhook rejected: %s", exc)
        return HttpResponseBadRequest(str(exc))
    except stripe.StripeError as exc:
        # Stripe could not be asked about the event's payment; nothing was recorded, so
        # Stripe's redelivery (with backoff) handles it once Stripe answers again.
        logger.warning("webhook %s not handled now, Stripe unreachable: %s", event.id, exc)
        return HttpResponse("stripe unreachable, retry later", status=503)
    return HttpResponse("ok" if processed else "already processed")


@login_required
def order_refund(request, number):
    """Staff refund a card-paid order fully or partly; Stripe first, then an Oscar payment event."""
    if not (request.user.is_staff and request.user.has_perm("order.change_order")):
        raise PermissionDenied
    order = get_object_or_404(Order, number=number)
    refundable = order_refundable_amount(order=order)
    form = RefundForm(request.POST or None, refundable=refundable)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            event = payment_refund_create(
                order=order, amount=data["amount"], token=data["token"], reason=data["reason"]
            )
        except RefundError as exc:
            form.add_error(None, rule_message(exc))
        else:
            messages.success(
                request,
                _("Refunded %(amount)s kr. (Stripe refund %(ref)s).")
                % {"amount": f"{event.amount:.2f}".replace(".", ","), "ref": event.reference},
            )
            return redirect(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    return render(request, "payments/refund.html", {"order": order, "form": form, "refundable": refundable})
