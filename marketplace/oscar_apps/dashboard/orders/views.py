"""Oscar's order dashboard, with a vendor seeing only its own lines of an order.

Stock Oscar lets a partner user open any order that contains one of its
lines and then shows every line, price and the customer. Here a non-staff
user gets the order with only its own lines, a template without other
vendors' prices or customer data, and only line status changes.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from oscar.apps.dashboard.orders import views as oscar_views
from oscar.apps.dashboard.orders.views import *  # noqa: F403 (the views we do not change)

from marketplace.csv_export import csv_safe_cell

Line = oscar_views.Line


def vendor_lines(user, order=None):
    """Order lines of the partners this (non-staff) user belongs to."""
    lines = Line.objects.filter(partner__users=user)
    if order is not None:
        lines = lines.filter(order=order)
    return lines


class OrderListView(oscar_views.OrderListView):
    vendor_template_name = "vendors/dashboard/order_list.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_staff and request.GET.get("response_format") == "csv":
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.user.is_staff:
            return super().get_template_names()
        return [self.vendor_template_name]

    def get_row_values(self, order):
        """Oscar's orders CSV carries buyer-typed names: formula-safe like every other export."""
        return {key: csv_safe_cell(value) for key, value in super().get_row_values(order).items()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if not self.request.user.is_staff:
            orders = list(ctx["orders"])
            own = {
                row["order_id"]: row
                for row in vendor_lines(self.request.user)
                .filter(order__in=[o.pk for o in orders])
                .values("order_id")
                .annotate(count=Count("id"), total=Sum("line_price_excl_tax"))
            }
            for order in orders:
                order.vendor_line_count = own.get(order.pk, {}).get("count", 0)
                order.vendor_total_excl_tax = own.get(order.pk, {}).get("total")
            ctx["orders"] = orders
        return ctx


class OrderDetailView(oscar_views.OrderDetailView):
    vendor_template_name = "vendors/dashboard/order_detail.html"
    vendor_line_actions = ("change_line_statuses",)

    def get_object(self, queryset=None):
        if not self.request.user.is_staff and self.kwargs.get("note_id"):
            raise Http404
        return super().get_object(queryset)

    def get_order_lines(self):
        if self.request.user.is_staff:
            return super().get_order_lines()
        return vendor_lines(self.request.user, self.object).select_related("product", "stockrecord")

    def get_template_names(self):
        if self.request.user.is_staff:
            return super().get_template_names()
        return [self.vendor_template_name]

    def get_payment_transactions(self):
        if self.request.user.is_staff:
            return super().get_payment_transactions()
        return []

    def handle_order_action(self, request, order, action):
        if not request.user.is_staff:
            raise PermissionDenied
        return super().handle_order_action(request, order, action)

    def handle_line_action(self, request, order, action):
        if not request.user.is_staff:
            if action not in self.vendor_line_actions:
                raise PermissionDenied
            requested = set(request.POST.getlist("selected_line"))
            own = {str(pk) for pk in self.get_order_lines().values_list("pk", flat=True)}
            if not requested <= own:
                raise Http404
        return super().handle_line_action(request, order, action)


class LineDetailView(oscar_views.LineDetailView):
    def dispatch(self, request, *args, **kwargs):
        # Another vendor's line is "not found" for every method, not "method not allowed".
        self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        line = super().get_object(queryset)
        if not self.request.user.is_staff and not vendor_lines(self.request.user).filter(pk=line.pk).exists():
            raise Http404
        return line
