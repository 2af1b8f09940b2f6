"""Dashboard pages for vendor orders: list, detail with workflow, pick list, assembly plan, payouts.

Thin views: access checks and forms here, the rules in services/selectors.
A vendor user sees only its own partners' vendor orders (404 for any other).
"""

import logging

import stripe
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView
from oscar.core.loading import get_model

from marketplace.csv_export import csv_response
from marketplace.errors import RuleViolation, rule_message, rule_violation_message
from marketplace.money import danish_amount_format
from marketplace.order_status import OrderStatus
from vendors.models import VendorProfile
from vendors.permissions import HubOrStaffMixin, StaffRequiredMixin, VendorOrStaffMixin, VendorRequiredMixin
from vendors.selectors import user_is_hub, user_is_hub_or_staff

from . import selectors, services, substitution
from .forms import SubstitutionPolicyForm, SubstitutionRejectForm
from .models import Substitution, SubstitutionPolicy, VendorOrder, VendorOrderLine

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")


class VendorOrderListView(VendorOrStaffMixin, ListView):
    template_name = "fulfilment/vendor_order_list.html"
    context_object_name = "vendor_orders"
    paginate_by = 30

    def get_queryset(self):
        qs = selectors.vendor_orders_visible(user=self.request.user)
        return selectors.vendor_orders_search(
            qs=qs, query=self.request.GET.get("q", "").strip(), status=self.request.GET.get("status", "")
        ).order_by("-order__date_placed", "partner__name")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=VendorOrder.Status.choices,
            status=self.request.GET.get("status", ""),
            q=self.request.GET.get("q", ""),
            is_hub=user_is_hub(user=self.request.user),
            **kwargs,
        )


class _VendorOrderMixin(VendorOrStaffMixin):
    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.vendor_orders_visible(user=self.request.user), pk=self.kwargs["pk"]
        )


# What each button does: (target status, shipped?, staff only?)
ACTIONS = {
    "accept": (VendorOrder.Status.ACCEPTED, False, False),
    "packed": (VendorOrder.Status.PACKED, False, False),
    "delivered": (VendorOrder.Status.DELIVERED, False, False),
    "shipped": (VendorOrder.Status.DELIVERED, True, False),
    "cancel": (VendorOrder.Status.CANCELLED, False, True),
}


class VendorOrderDetailView(_VendorOrderMixin, DetailView):
    template_name = "fulfilment/vendor_order_detail.html"
    context_object_name = "vendor_order"

    def get_context_data(self, **kwargs):
        vendor_order = self.object
        pick_list = selectors.vendor_order_pick_list(vendor_order=vendor_order)
        return super().get_context_data(
            pick_list=pick_list,
            order=vendor_order.order,
            lines=vendor_order.lines.order_by("pk"),
            shipping_events=vendor_order.order.shipping_events.filter(lines__in=vendor_order.lines.all())
            .select_related("event_type")
            .distinct()
            .order_by("date_created"),
            commission_percent=(vendor_order.commission_rate * 100).normalize(),
            can_cancel=self.request.user.is_staff,
            decline_rows=self._decline_rows(vendor_order),
            can_see_plan=user_is_hub_or_staff(user=self.request.user),
            **kwargs,
        )

    @staticmethod
    def _decline_rows(vendor_order):
        """Per order line, the active units the vendor can still decline (none once packed)."""
        if vendor_order.status not in (VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED):
            return []
        totals: dict[int, dict] = {}
        for line_id, title, quantity in VendorOrderLine.objects.filter(
            vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
        ).values_list("line_id", "line__title", "quantity"):
            row = totals.setdefault(line_id, {"line_id": line_id, "title": title, "quantity": 0})
            row["quantity"] += quantity
        return sorted(totals.values(), key=lambda r: r["line_id"])

    def _decline(self, request, vendor_order):
        units = {}
        for key, value in request.POST.items():
            if key.startswith("decline-"):
                try:
                    line_id, quantity = int(key.removeprefix("decline-")), int(value or 0)
                except ValueError:
                    messages.error(request, _("Units to decline must be whole numbers."))
                    return
                if quantity:
                    units[line_id] = quantity
        if not units:
            messages.error(request, _("Enter how many units you decline."))
            return
        try:
            result = services.vendor_order_decline(
                vendor_order_id=vendor_order.pk,
                user=request.user,
                lines=units,
                reason=request.POST.get("reason", "")[:2000],
            )
        except RuleViolation as exc:
            messages.error(request, _("Not declined: %(error)s") % {"error": rule_message(exc)})
        except PermissionError:
            raise PermissionDenied
        else:
            if result["unsourced"]:
                messages.warning(
                    request,
                    _(
                        "Declined. %(units)s units could not be sourced elsewhere; "
                        "staff will propose a substitute."
                    )
                    % {"units": sum(result["unsourced"].values())},
                )
            else:
                messages.success(request, _("Declined. Another enterprise delivers these units."))

    def post(self, request, *args, **kwargs):
        vendor_order = self.get_object()
        action = request.POST.get("action", "")
        if action == "decline":
            self._decline(request, vendor_order)
            return HttpResponseRedirect(reverse("fulfilment:vendor-order-detail", args=[vendor_order.pk]))
        if action not in ACTIONS:
            messages.error(request, _("Unknown action."))
            return HttpResponseRedirect(request.path)
        to_status, shipped, staff_only = ACTIONS[action]
        if staff_only and not request.user.is_staff:
            raise PermissionDenied
        try:
            services.vendor_order_advance(
                vendor_order_id=vendor_order.pk,
                to_status=to_status,
                shipped=shipped,
                user=request.user,
                notes=request.POST.get("notes", "")[:500],
            )
        except services.WorkflowError:
            messages.error(
                request,
                _("This vendor order is %(status)s and cannot make that step.")
                % {"status": vendor_order.get_status_display()},
            )
        except RuleViolation as exc:
            # The cancel step: a refund or cancellation rule said no (nothing was saved).
            rule_violation_message(request, exc)
        except stripe.StripeError:
            # The cancel step reverses sent payouts at Stripe; the transaction rolled back.
            logger.exception("Vendor order %s: action %s failed at Stripe", vendor_order.pk, action)
            messages.error(request, _("The step could not be saved. Please try again."))
        else:
            messages.success(request, _("Vendor order updated."))
        return HttpResponseRedirect(reverse("fulfilment:vendor-order-detail", args=[vendor_order.pk]))


class PickListPrintView(_VendorOrderMixin, DetailView):
    """A plain page made for printing (no dashboard chrome)."""

    template_name = "fulfilment/pick_list_print.html"
    context_object_name = "vendor_order"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pick_list=selectors.vendor_order_pick_list(vendor_order=self.object),
            order=self.object.order,
            **kwargs,
        )


class PickListCsvView(_VendorOrderMixin, View):
    def get(self, request, *args, **kwargs):
        vendor_order = self.get_object()
        pick_list = selectors.vendor_order_pick_list(vendor_order=vendor_order)
        return csv_response(
            selectors.pick_list_csv_rows(pick_list=pick_list),
            filename=f"plukliste-{vendor_order.order.number}-{vendor_order.partner.code}.csv",
        )


class AssemblyPlanView(HubOrStaffMixin, TemplateView):
    """The hub's plan for one order: staff and the hub's own users only."""

    template_name = "fulfilment/assembly_plan.html"

    def get_context_data(self, **kwargs):
        order = get_object_or_404(Order, number=self.kwargs["number"])
        if not VendorOrder.objects.filter(order=order).exists():
            raise Http404("Order not split yet")
        return super().get_context_data(
            plan=selectors.order_assembly_plan(order=order),
            order=order,
            open_substitutions=Substitution.objects.filter(
                order=order, status=Substitution.Status.OPEN
            ).select_related("line", "declined_from__partner"),
            can_cancel_order=self.request.user.is_staff and order.status != OrderStatus.CANCELLED,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        """Staff cancel the whole order: every vendor, stock, capacity, payouts and the buyer follow."""
        if not request.user.is_staff:
            raise PermissionDenied
        order = get_object_or_404(Order, number=self.kwargs["number"])
        reason = request.POST.get("reason", "").strip()[:2000]
        if not reason:
            messages.error(request, _("Say why the order is cancelled."))
        else:
            try:
                services.order_cancel(order=order, by=request.user, reason=reason)
            except RuleViolation as exc:
                messages.error(request, _("Not cancelled: %(error)s") % {"error": rule_message(exc)})
            else:
                messages.success(request, _("The order is cancelled; vendors and hub have been told."))
        return HttpResponseRedirect(reverse("fulfilment:assembly-plan", args=[order.number]))


class PayoutsHeldView(StaffRequiredMixin, ListView):
    template_name = "fulfilment/payouts_held.html"
    context_object_name = "vendor_orders"

    def get_queryset(self):
        return selectors.payouts_held()

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=selectors.payouts_summary(), **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            sent = services.payouts_held_release()
        except stripe.StripeError:
            logger.exception("Releasing held payouts failed")
            messages.error(request, _("Stripe could not be reached. Please try again later."))
        else:
            messages.success(request, _("%(count)d held payouts were sent.") % {"count": len(sent)})
        return HttpResponseRedirect(reverse("fulfilment:payouts-held"))


class StripeConnectView(VendorRequiredMixin, TemplateView):
    """A vendor connects its Stripe Express account to receive payouts (not staff: they have none)."""

    template_name = "fulfilment/stripe_connect.html"
    policy = "vendor_not_staff"

    def profile(self) -> VendorProfile:
        profile = VendorProfile.objects.filter(partner__in=self.request.user.partners.all()).first()
        if profile is None:
            raise PermissionDenied
        return profile

    def get_context_data(self, **kwargs):
        profile = self.profile()
        if self.request.GET.get("return") and profile.stripe_account_id:
            try:
                if services.vendor_account_ready_check(profile=profile):
                    services.payouts_held_release(partner_id=profile.partner_id)
            except stripe.StripeError:
                logger.exception("Checking Stripe account of %s failed", profile.pk)
        held = VendorOrder.objects.filter(partner=profile.partner, payout_state=VendorOrder.PayoutState.HELD)
        return super().get_context_data(profile=profile, held=held, **kwargs)

    def post(self, request, *args, **kwargs):
        profile = self.profile()
        here = request.build_absolute_uri(reverse("fulfilment:stripe-connect"))
        try:
            url = services.vendor_stripe_onboarding_link(
                profile=profile, refresh_url=here, return_url=f"{here}?return=1"
            )
        except stripe.StripeError:
            logger.exception("Stripe onboarding for %s failed", profile.pk)
            messages.error(request, _("Stripe could not be reached. Please try again later."))
            return HttpResponseRedirect(here)
        return HttpResponseRedirect(url)


class OrderCancelPartView(StaffRequiredMixin, TemplateView):
    """Staff cancel some units of an order: per line, how many (packed units are refused)."""

    template_name = "fulfilment/order_cancel_part.html"

    def order(self):
        order = get_object_or_404(Order, number=self.kwargs["number"])
        if not VendorOrder.objects.filter(order=order).exists():
            raise Http404("Order not split yet")
        return order

    def get_context_data(self, **kwargs):
        order = kwargs.pop("order", None) or self.order()
        return super().get_context_data(
            order=order, rows=selectors.order_cancellable_rows(order=order), **kwargs
        )

    def post(self, request, *args, **kwargs):
        order = self.order()
        reason = request.POST.get("reason", "").strip()[:2000]
        units, errors = {}, []
        for row in selectors.order_cancellable_rows(order=order):
            raw = request.POST.get(f"cancel-{row['line_id']}", "").strip()
            if not raw:
                continue
            if not raw.isdigit():
                errors.append(_("%(item)s: enter a whole number of units.") % {"item": row["title"]})
                continue
            if int(raw):
                units[row["line_id"]] = int(raw)
        if not reason:
            errors.append(_("Say why the units are cancelled."))
        if not units and not errors:
            errors.append(_("Enter how many units of which lines to cancel."))
        if not errors:
            try:
                result = services.order_cancel(order=order, lines=units, by=request.user, reason=reason)
            except RuleViolation as exc:
                errors.append(_("Not cancelled: %(error)s") % {"error": rule_message(exc)})
            else:
                messages.success(
                    request,
                    _("%(units)s units cancelled (%(amount)s kr. incl. VAT); vendors and hub have been told.")
                    % {"units": sum(units.values()), "amount": result["amount_incl_tax"]},
                )
                return HttpResponseRedirect(reverse("fulfilment:order-cancel-part", args=[order.number]))
        for error in errors:
            messages.error(request, error)
        return self.render_to_response(self.get_context_data(order=order), status=400)


class SubstitutionListView(HubOrStaffMixin, ListView):
    """Declined units waiting for a substitute (open first), and the staff's price band."""

    template_name = "fulfilment/substitution_list.html"
    context_object_name = "substitutions"
    paginate_by = 30

    def get_queryset(self):
        from django.db.models import Case, IntegerField, Value, When

        return substitution.substitutions_visible(user=self.request.user).order_by(
            Case(
                When(status=Substitution.Status.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "-pk",
        )

    def get_context_data(self, **kwargs):
        policy = SubstitutionPolicy.current()
        form = kwargs.pop("policy_form", None) or SubstitutionPolicyForm(
            initial={
                "below_percent": str(policy.below_percent.normalize()).replace(".", ","),
                "above_percent": str(policy.above_percent.normalize()).replace(".", ","),
            }
        )
        return super().get_context_data(
            policy=policy, policy_form=form, can_set_policy=self.request.user.is_staff, **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        form = SubstitutionPolicyForm(request.POST)
        if form.is_valid():
            substitution.substitution_policy_set(
                below_percent=form.cleaned_data["below_percent"],
                above_percent=form.cleaned_data["above_percent"],
                user=request.user,
            )
            messages.success(request, _("The price band for substitutes is saved."))
            return HttpResponseRedirect(reverse("fulfilment:substitution-list"))
        self.object_list = self.get_queryset()
        messages.error(request, _("The price band was not saved: see the errors below."))
        return self.render_to_response(self.get_context_data(policy_form=form), status=400)


class SubstitutionDetailView(HubOrStaffMixin, TemplateView):
    """One substitution: the declined units, the candidates, confirm one or reject."""

    template_name = "fulfilment/substitution_detail.html"

    def substitution(self):
        return get_object_or_404(
            substitution.substitutions_visible(user=self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        sub = kwargs.pop("sub", None) or self.substitution()
        is_open = sub.status == Substitution.Status.OPEN
        return super().get_context_data(
            sub=sub,
            line=sub.line,
            candidates=substitution.substitute_candidates(substitution=sub) if is_open else [],
            is_open=is_open,
            policy=SubstitutionPolicy.current(),
            reject_form=kwargs.pop("reject_form", None) or SubstitutionRejectForm(),
            rows=sub.rows.select_related("vendor_order__partner", "stockrecord").order_by("pk"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        sub = self.substitution()
        action = request.POST.get("action", "")
        reject_form = None
        try:
            if action == "confirm":
                raw = request.POST.get("product", "")
                if not raw.isdigit():
                    raise substitution.SubstitutionError(_("Choose a substitute product."))
                done = substitution.substitution_confirm(
                    substitution_id=sub.pk, user=request.user, product_id=int(raw)
                )
                messages.success(
                    request,
                    _(
                        "Confirmed: %(units)s × %(product)s are delivered instead. "
                        "%(amount)s kr. goes back to the buyer."
                    )
                    % {
                        "units": done.quantity,
                        "product": done.product.get_title(),
                        "amount": danish_amount_format(done.refund_incl_tax),
                    },
                )
                return HttpResponseRedirect(reverse("fulfilment:substitution-detail", args=[sub.pk]))
            if action == "reject":
                reject_form = SubstitutionRejectForm(request.POST)
                if reject_form.is_valid():
                    done = substitution.substitution_reject(
                        substitution_id=sub.pk, user=request.user, note=reject_form.cleaned_data["note"]
                    )
                    messages.success(
                        request,
                        _("Rejected: the units are not delivered; %(amount)s kr. goes back to the buyer.")
                        % {"amount": danish_amount_format(done.refund_incl_tax)},
                    )
                    return HttpResponseRedirect(reverse("fulfilment:substitution-detail", args=[sub.pk]))
                raise substitution.SubstitutionError(_("Say why no substitute is sent: the buyer is told."))
            raise substitution.SubstitutionError(_("Unknown action."))
        except RuleViolation as exc:
            messages.error(request, _("Nothing was changed: %(error)s") % {"error": rule_message(exc)})
        except PermissionError:
            raise PermissionDenied
        sub.refresh_from_db()
        return self.render_to_response(self.get_context_data(sub=sub, reject_form=reject_form), status=400)
