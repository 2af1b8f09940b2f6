"""Writes for gift baskets: editing designs and putting them into an Oscar basket as one group.

All rules are checked here on the server (the composer page only shows them).
Cart changes lock the Oscar basket row and run in one transaction, so an
invalid add leaves the cart exactly as it was.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.errors import RuleViolation

from .models import GIFT_BASKET_OPTION_CODE, BasketDesign, BasketDesignItem, BasketType, GiftBasketGroup
from .selectors import (
    basket_gift_basket_groups,
    default_strategy,
    design_items,
    design_summary,
    product_offer_queryset,
    product_problem,
)

Basket = get_model("basket", "Basket")
Option = get_model("catalogue", "Option")

MAX_BASKETS_PER_ADD = 1000


class GiftBasketError(ValidationError, RuleViolation):
    """A rule stopped the change; `messages` says why, in the buyer's language."""


def gift_basket_option():
    """The Oscar Option that ties lines to their group (also created by migration 0002)."""
    option, _created = Option.objects.get_or_create(
        code=GIFT_BASKET_OPTION_CODE, defaults={"name": "Gavekurv", "type": Option.TEXT}
    )
    return option


def _use_strategy(*, basket, request=None, strategy=None):
    if strategy is not None:
        basket.strategy = strategy
    elif not basket.has_strategy:
        user = basket.owner if basket.owner_id else None
        basket.strategy = default_strategy(request=request, user=user)
    return basket.strategy


def _lock_basket(basket):
    if basket.pk is None:
        basket.save()
    locked = Basket.objects.select_for_update().get(pk=basket.pk)
    if not locked.can_be_edited:
        raise GiftBasketError(_("This cart can no longer be changed."))


@transaction.atomic
def gift_basket_add_to_cart(
    *, basket, design: BasketDesign, quantity: int, request=None, strategy=None, check_stock: bool = True
) -> GiftBasketGroup:
    """Put `quantity` copies of `design` into `basket` as one group of lines.

    ``check_stock=False`` is for bulk orders, whose units are sourced across offers.

    Works on a fresh Basket outside a request too (pass `strategy` or let the
    default Danish strategy be used). Raises GiftBasketError and changes
    nothing when any rule fails.
    """
    strategy = _use_strategy(basket=basket, request=request, strategy=strategy)
    if not isinstance(quantity, int) or quantity < 1 or quantity > MAX_BASKETS_PER_ADD:
        raise GiftBasketError(
            _("The number of baskets must be between 1 and %(max)d.") % {"max": MAX_BASKETS_PER_ADD}
        )
    _lock_basket(basket)
    summary = design_summary(
        design=design, strategy=strategy, quantity=quantity, basket=basket, check_stock=check_stock
    )
    basket_type, packaging = summary.basket_type, summary.packaging
    if summary.problems or basket_type is None or packaging is None:
        raise GiftBasketError(summary.problems)  # a missing type or packaging is one of the problems
    allowed, reason = basket.is_quantity_allowed((summary.item_count + 1) * quantity)
    if not allowed:
        raise GiftBasketError(reason)

    composition = {line.product.pk: line.quantity for line in [*summary.lines, packaging]}
    same = _same_group_in_cart(basket=basket, design=design, composition=composition)
    if same is not None:
        # The same basket again: one group "× N" in the cart rather than two.
        group = GiftBasketGroup.objects.select_for_update().get(pk=same.group.pk)
        for line in same.lines:
            line.quantity += composition[line.product_id] * quantity
            line.save(update_fields=["quantity"])
        group.quantity += quantity
        group.save(update_fields=["quantity"])
        basket.reset_offer_applications()
        basket._lines = None
        return group

    group = GiftBasketGroup.objects.create(
        basket=basket,
        design=design,
        basket_type=basket_type,
        name=design.name,
        gift_message=design.gift_message,
        quantity=quantity,
    )
    option = gift_basket_option()
    for line in [*summary.lines, packaging]:
        basket.add_product(
            line.product,
            quantity=line.quantity * quantity,
            options=[{"option": option, "value": group.reference}],
        )
    basket._lines = None
    return group


def _same_group_in_cart(*, basket, design, composition: dict[int, int]):
    """A group of this design with the same name, message and contents per basket, if any."""
    for cart_group in basket_gift_basket_groups(basket=basket):
        group = cart_group.group
        if (group.design_id, group.name, group.gift_message) != (design.pk, design.name, design.gift_message):
            continue
        per_basket = {line.product_id: line.quantity // group.quantity for line in cart_group.lines}
        if per_basket == composition:
            return cart_group
    return None


def _cart_group(*, basket, reference: str):
    for cart_group in basket_gift_basket_groups(basket=basket):
        if cart_group.group.reference == reference:
            return cart_group
    raise GiftBasketError(_("That gift basket is not in your cart."))


@transaction.atomic
def gift_basket_group_set_quantity(
    *, basket, reference: str, quantity: int, request=None, strategy=None
) -> GiftBasketGroup | None:
    """Change how many copies of a gift basket the cart holds; every line moves together."""
    strategy = _use_strategy(basket=basket, request=request, strategy=strategy)
    if quantity == 0:
        gift_basket_group_remove(basket=basket, reference=reference)
        return None
    if quantity < 0 or quantity > MAX_BASKETS_PER_ADD:
        raise GiftBasketError(
            _("The number of baskets must be between 1 and %(max)d.") % {"max": MAX_BASKETS_PER_ADD}
        )
    _lock_basket(basket)
    cart_group = _cart_group(basket=basket, reference=reference)
    group = GiftBasketGroup.objects.select_for_update().get(pk=cart_group.group.pk)

    in_cart: dict[int, int] = {}
    for stockrecord_id, line_quantity in basket.lines.values_list("stockrecord_id", "quantity"):
        in_cart[stockrecord_id] = in_cart.get(stockrecord_id, 0) + line_quantity
    problems = []
    new_quantities = []
    for line in cart_group.lines:
        per_basket = line.quantity // group.quantity
        new_quantity = per_basket * quantity
        info = strategy.fetch_for_product(line.product, line.stockrecord)
        needed = in_cart.get(line.stockrecord_id, 0) - line.quantity + new_quantity
        permitted, reason = info.availability.is_purchase_permitted(needed)
        if not permitted:
            problems.append(
                _("%(product)s: %(reason)s") % {"product": line.product.get_title(), "reason": reason}
            )
        new_quantities.append((line, new_quantity))
    if problems:
        raise GiftBasketError(problems)
    for line, new_quantity in new_quantities:
        line.quantity = new_quantity
        line.save(update_fields=["quantity"])
    group.quantity = quantity
    group.save(update_fields=["quantity"])
    basket.reset_offer_applications()
    basket._lines = None
    return group


@transaction.atomic
def gift_basket_group_remove(*, basket, reference: str) -> None:
    """Remove a whole gift basket (all its lines) from the cart."""
    _lock_basket(basket)
    cart_group = _cart_group(basket=basket, reference=reference)
    basket.lines.filter(pk__in=[line.pk for line in cart_group.lines]).delete()
    cart_group.group.delete()
    basket.reset_offer_applications()
    basket._lines = None


# --- Designs -------------------------------------------------------------------


def design_create(*, owner=None, basket_type: BasketType | None = None, name: str = "") -> BasketDesign:
    design = BasketDesign(owner=owner, basket_type=basket_type)
    if name:
        design.name = name
    else:
        design.name = _("My gift basket")
    design.save()
    return design


def design_set_type(*, design: BasketDesign, basket_type: BasketType) -> BasketDesign:
    if not basket_type.is_available():
        raise GiftBasketError(
            _("The basket type %(type)s is not available now.") % {"type": basket_type.name}
        )
    design.basket_type = basket_type
    design.save(update_fields=["basket_type", "updated_at"])
    return design


def design_update_details(*, design: BasketDesign, name: str, gift_message: str) -> BasketDesign:
    name = (name or "").strip()
    if not name:
        raise GiftBasketError(_("Give the basket a name."))
    design.name = name[:128]
    design.gift_message = (gift_message or "").strip()[:1000]
    design.save(update_fields=["name", "gift_message", "updated_at"])
    return design


@transaction.atomic
def design_add_item(*, design: BasketDesign, product_id: int, quantity: int = 1) -> BasketDesignItem:
    """Add a product (or more of it); refuses products that can never go into a basket."""
    if quantity < 1:
        raise GiftBasketError(_("The quantity must be at least 1."))
    product = product_offer_queryset().filter(pk=product_id).first()
    if product is None:
        raise GiftBasketError(_("That product does not exist."))
    # The offer the buyer would get by default (the strategy's choice, not table order).
    stockrecord = default_strategy().fetch_for_product(product).stockrecord
    problem = product_problem(product=product, stockrecord=stockrecord)
    if problem:
        raise GiftBasketError(problem)
    basket_type = design.basket_type
    if basket_type is not None and product.pk == basket_type.packaging_product_id:
        raise GiftBasketError(_("The packaging is added automatically."))
    BasketDesign.objects.select_for_update().filter(pk=design.pk).first()
    items = design_items(design=design)
    count = sum(item.quantity for item in items)
    if basket_type is not None and count + quantity > basket_type.max_items:
        raise GiftBasketError(
            _("The basket is full: %(type)s holds at most %(max)d items.")
            % {"type": basket_type.name, "max": basket_type.max_items}
        )
    item = next((item for item in items if item.product_id == product.pk), None)
    if item is None:
        item = BasketDesignItem.objects.create(design=design, product=product, quantity=quantity)
    else:
        item.quantity += quantity
        item.save(update_fields=["quantity"])
    design.save(update_fields=["updated_at"])
    return item


@transaction.atomic
def design_set_item_quantity(*, design: BasketDesign, product_id: int, quantity: int) -> None:
    if quantity <= 0:
        design_remove_item(design=design, product_id=product_id)
        return
    item = BasketDesignItem.objects.select_for_update().filter(design=design, product_id=product_id).first()
    if item is None:
        raise GiftBasketError(_("That product is not in the basket."))
    others = sum(i.quantity for i in design_items(design=design) if i.pk != item.pk)
    basket_type = design.basket_type
    if basket_type is not None and others + quantity > basket_type.max_items:
        raise GiftBasketError(
            _("The basket is full: %(type)s holds at most %(max)d items.")
            % {"type": basket_type.name, "max": basket_type.max_items}
        )
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    design.save(update_fields=["updated_at"])


def design_remove_item(*, design: BasketDesign, product_id: int) -> None:
    BasketDesignItem.objects.filter(design=design, product_id=product_id).delete()
    design.save(update_fields=["updated_at"])


@transaction.atomic
def design_copy(*, design: BasketDesign, owner=None, name: str = "", saved: bool = False) -> BasketDesign:
    """A new, unpublished design with the same type and items (e.g. to change a ready-made one)."""
    copy = BasketDesign.objects.create(
        basket_type=design.basket_type,
        name=(name or _("Copy of %(name)s") % {"name": design.name})[:128],
        gift_message=design.gift_message,
        owner=owner,
        is_saved=saved and owner is not None,
        copied_from=design,
    )
    BasketDesignItem.objects.bulk_create(
        BasketDesignItem(design=copy, product_id=item.product_id, quantity=item.quantity)
        for item in design.items.all()
    )
    return copy


def design_save_for_user(*, design: BasketDesign, user) -> BasketDesign:
    """Keep a design in the user's list ("my gift baskets")."""
    if design.owner_id and design.owner_id != user.pk:
        raise GiftBasketError(_("You cannot save someone else's design."))
    design.owner = user
    design.is_saved = True
    design.save(update_fields=["owner", "is_saved", "updated_at"])
    return design


def design_delete(*, design: BasketDesign) -> None:
    if design.is_published:
        raise GiftBasketError(_("A published basket cannot be deleted here."))
    design.delete()


def design_drafts_purge(*, older_than_days: int = 30) -> int:
    """Delete abandoned drafts (never saved, not published), so anonymous visits do not pile up.

    A draft another app still points at (protected foreign key) is kept.
    """
    from datetime import timedelta

    from django.db.models import ProtectedError
    from django.utils import timezone

    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted = 0
    stale = BasketDesign.objects.filter(is_saved=False, is_published=False, updated_at__lt=cutoff)
    for pk in stale.values_list("pk", flat=True).iterator():
        try:
            with transaction.atomic():
                BasketDesign.objects.filter(pk=pk).delete()
        except ProtectedError:
            continue
        deleted += 1
    return deleted
