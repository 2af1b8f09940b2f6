"""Drop a user's cached layout values when the rows behind them change."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from . import offers
from .auth_backends import PERMISSIONS
from .cart_summary import cart_offers_bump, cart_version_bump, open_basket_forget
from .context_processors import NOTIFICATIONS
from .user_cache import user_cache_clear
from .wishlists import WISHLISTS

User = get_user_model()
Notification = get_model("communication", "Notification")
ConditionalOffer = get_model("offer", "ConditionalOffer")
Voucher = get_model("voucher", "Voucher")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
LineAttribute = get_model("basket", "LineAttribute")
GiftBasketGroup = get_model("giftbaskets", "GiftBasketGroup")
Range = get_model("offer", "Range")
RangeProduct = get_model("offer", "RangeProduct")
Condition = get_model("offer", "Condition")
Benefit = get_model("offer", "Benefit")
WishList = get_model("wishlists", "WishList")
WishListLine = get_model("wishlists", "Line")


@receiver(m2m_changed, sender=User.user_permissions.through)
@receiver(m2m_changed, sender=User.groups.through)
def user_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, User):  # user.user_permissions.add(...) / user.groups.add(...)
        user_ids = [instance.pk]
    elif isinstance(instance, Group):  # group.user_set.add(...)
        user_ids = list(pk_set or []) or list(instance.user_set.values_list("pk", flat=True))
    else:  # permission.user_set.add(...)
        user_ids = list(pk_set or []) or list(instance.user_set.values_list("pk", flat=True))
    user_cache_clear(kind=PERMISSIONS, user_ids=user_ids)


@receiver(m2m_changed, sender=Group.permissions.through)
def group_permissions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Group):
        groups = [instance]
    else:
        groups = Group.objects.filter(pk__in=pk_set or []) if pk_set else instance.group_set.all()
    user_ids = User.objects.filter(groups__in=groups).values_list("pk", flat=True)
    user_cache_clear(kind=PERMISSIONS, user_ids=list(user_ids))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def user_changed(sender, instance, **kwargs):
    # is_superuser / is_active change what get_all_permissions returns.
    user_cache_clear(kind=PERMISSIONS, user_ids=[instance.pk])
    open_basket_forget(user_ids=[instance.pk])


@receiver(post_delete, sender=Permission)
@receiver(post_delete, sender=Group)
def permission_rows_deleted(sender, instance, **kwargs):
    user_cache_clear(kind=PERMISSIONS, user_ids=list(User.objects.values_list("pk", flat=True)))


@receiver(post_save, sender=Notification)
@receiver(post_delete, sender=Notification)
def notification_changed(sender, instance, **kwargs):
    user_cache_clear(kind=NOTIFICATIONS, user_ids=[instance.recipient_id])


@receiver(post_save, sender=ConditionalOffer)
@receiver(post_delete, sender=ConditionalOffer)
@receiver(post_save, sender=Voucher)
@receiver(post_delete, sender=Voucher)
def offers_changed(sender, instance, **kwargs):
    offers.offers_exist_forget()
    cart_offers_bump()


# What the mini-basket shows (cart_summary.py). Prices, stock, products and images
# are covered by the storefront version, which the cached mini-basket is keyed by too.


@receiver(post_save, sender=Range)
@receiver(post_delete, sender=Range)
@receiver(post_save, sender=RangeProduct)
@receiver(post_delete, sender=RangeProduct)
@receiver(post_save, sender=Condition)
@receiver(post_delete, sender=Condition)
@receiver(post_save, sender=Benefit)
@receiver(post_delete, sender=Benefit)
def offer_parts_changed(sender, instance, **kwargs):
    cart_offers_bump()


@receiver(m2m_changed, sender=Range.included_products.through)
@receiver(m2m_changed, sender=Range.excluded_products.through)
@receiver(m2m_changed, sender=Range.classes.through)
@receiver(m2m_changed, sender=Range.included_categories.through)
@receiver(m2m_changed, sender=Range.excluded_categories.through)
def range_members_changed(sender, action, **kwargs):
    if action.startswith("post_"):
        cart_offers_bump()


@receiver(post_save, sender=Basket)
@receiver(post_delete, sender=Basket)
def basket_changed(sender, instance, **kwargs):
    # Created, frozen, submitted, merged, thawed, given an owner: the user's open basket may be another.
    cart_version_bump(basket_ids=[instance.pk])
    if instance.owner_id:
        open_basket_forget(user_ids=[instance.owner_id])


@receiver(post_save, sender=Line)
@receiver(post_delete, sender=Line)
@receiver(post_save, sender=GiftBasketGroup)
@receiver(post_delete, sender=GiftBasketGroup)
def basket_line_changed(sender, instance, **kwargs):
    cart_version_bump(basket_ids=[instance.basket_id])


@receiver(post_save, sender=LineAttribute)
@receiver(post_delete, sender=LineAttribute)
def basket_line_attribute_changed(sender, instance, **kwargs):
    try:
        basket_id = instance.line.basket_id
    except Line.DoesNotExist:  # deleted with its line, whose own signal bumped the basket
        return
    cart_version_bump(basket_ids=[basket_id])


@receiver(m2m_changed, sender=Basket.vouchers.through)
def basket_vouchers_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # pre_clear: after the clear no row says which baskets had the voucher.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, Basket):
        cart_version_bump(basket_ids=[instance.pk])
    elif pk_set:  # voucher.basket.add(basket)
        cart_version_bump(basket_ids=pk_set)
    else:
        cart_version_bump(basket_ids=Basket.objects.filter(vouchers=instance).values_list("pk", flat=True))


@receiver(post_save, sender=WishList)
@receiver(post_delete, sender=WishList)
def wishlist_changed(sender, instance, **kwargs):
    user_cache_clear(kind=WISHLISTS, user_ids=[instance.owner_id])


@receiver(post_save, sender=WishListLine)
@receiver(post_delete, sender=WishListLine)
def wishlist_line_changed(sender, instance, **kwargs):
    owner_id = WishList.objects.filter(pk=instance.wishlist_id).values_list("owner_id", flat=True).first()
    user_cache_clear(kind=WISHLISTS, user_ids=[owner_id])
