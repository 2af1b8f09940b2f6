"""`{{ product.description|vendor_html }}`: vendor HTML cleaned by the allow-list, then marked safe."""

from django import template
from django.utils.safestring import mark_safe

from marketplace.vendor_html import vendor_html_clean

register = template.Library()


@register.filter
def vendor_html(value):
    return mark_safe(vendor_html_clean(str(value or "")))  # noqa: S308 - cleaned by nh3 just above
