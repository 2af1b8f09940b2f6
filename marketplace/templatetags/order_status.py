"""`{{ order.status|status_label }}`: an Oscar order or line status in the page's language."""

from django import template

from marketplace.order_status import status_label as _status_label

register = template.Library()


@register.filter
def status_label(status):
    return _status_label(status)
