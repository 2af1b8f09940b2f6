"""Template tags that split a cart's or an order's lines into gift baskets and the rest,
and give a gift basket its composed picture."""

from dataclasses import dataclass, field

from django import template

from baskets.pictures import BasketPicture
from baskets.pictures import basket_picture as _basket_picture
from baskets.selectors import (
    CartGroup,
    OrderGiftBasketGroup,
    basket_gift_basket_groups,
    order_gift_basket_groups,
)

register = template.Library()


@dataclass
class SplitLines:
    groups: list = field(default_factory=list)
    grouped_line_ids: set = field(default_factory=set)
    other_lines: list = field(default_factory=list)


@register.simple_tag
def gift_basket_cart(basket) -> SplitLines:
    """Gift-basket groups of the cart (using its already priced lines) and the other lines."""
    if basket is None or not basket.pk:
        return SplitLines()
    lines = list(basket.all_lines())
    groups: list[CartGroup] = basket_gift_basket_groups(basket=basket, lines=lines)
    grouped = {line.pk for group in groups for line in group.lines}
    return SplitLines(
        groups=groups,
        grouped_line_ids=grouped,
        other_lines=[line for line in lines if line.pk not in grouped],
    )


@register.simple_tag
def order_gift_baskets(order) -> SplitLines:
    groups: list[OrderGiftBasketGroup] = order_gift_basket_groups(order=order)
    grouped = {line.pk for group in groups for line in group.lines}
    return SplitLines(
        groups=groups,
        grouped_line_ids=grouped,
        other_lines=[line for line in order.lines.all() if line.pk not in grouped],
    )


@register.filter
def per_basket(line, group):
    """How many of this line's product go into one basket of the group."""
    return line.quantity // group.quantity if group.quantity else line.quantity


@register.simple_tag
def basket_picture(products) -> BasketPicture | None:
    """`{% basket_picture summary.products as picture %}`: the picture composed from the
    products' images (made once, then read from media), or None when none has an image."""
    return _basket_picture(products=products)
