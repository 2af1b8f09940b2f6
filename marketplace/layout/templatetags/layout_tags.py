"""The page layout's per-visitor parts, from the layout caches."""

from django import template
from django.utils.safestring import mark_safe

from marketplace.layout.cart_summary import cart_summary_parts

register = template.Library()

# What the layout shows of the cart: the header's mini-basket and the phone's basket button.
CART_PARTS = {
    "header": "oscar/partials/mini_basket.html",
    "navbar": "oscar/partials/navbar_basket.html",
}


@register.simple_tag(takes_context=True)
def cart_summary(context, part: str) -> str:
    """One cart part of the layout (CART_PARTS), all of them from the cart summary cache in one read."""
    engine = context.template.engine

    def render() -> dict[str, str]:
        return {name: str(engine.get_template(path).render(context)) for name, path in CART_PARTS.items()}

    request = context.get("request")
    if request is None:
        return mark_safe(render()[part])  # noqa: S308 - rendered templates
    parts = getattr(request, "_cart_summary_parts", None)
    if parts is None:
        parts = request._cart_summary_parts = cart_summary_parts(request, render)
    return mark_safe(parts[part])  # noqa: S308 - rendered templates
