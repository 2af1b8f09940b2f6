"""A signed-in buyer's wish lists, cached per user (the product page's "Add to wish list" menu).

Oscar's partial asks for the buyer's wish lists and for those holding the product on every
product page: a query or two per page for what changes only when the buyer edits a list.
The lists are cached per user (`user_cache`) and dropped by the receivers when a list or
one of its lines changes (marketplace/layout/receivers.py).
"""

from dataclasses import dataclass

from django.urls import reverse
from oscar.core.loading import get_model

from .user_cache import user_cached

WISHLISTS = "wishlists"


@dataclass(frozen=True)
class WishListEntry:
    key: str
    name: str
    product_ids: frozenset[int]

    def get_absolute_url(self) -> str:  # in the language of the page, not of the cache
        return reverse("customer:wishlists-detail", kwargs={"key": self.key})


def _wishlists_load(*, user_id: int) -> list[WishListEntry]:
    WishList = get_model("wishlists", "WishList")
    Line = get_model("wishlists", "Line")
    lists = list(WishList.objects.filter(owner_id=user_id).values_list("pk", "key", "name"))
    held: dict[int, set[int]] = {pk: set() for pk, _key, _name in lists}
    if lists:
        for wishlist_id, product_id in Line.objects.filter(wishlist__owner_id=user_id).values_list(
            "wishlist_id", "product_id"
        ):
            if product_id is not None:
                held[wishlist_id].add(product_id)
    return [WishListEntry(key=key, name=name, product_ids=frozenset(held[pk])) for pk, key, name in lists]


def user_wishlists(*, user, product) -> dict:
    """The user's wish lists (`all`) and those holding `product` (`containing`)."""
    lists = user_cached(kind=WISHLISTS, user_id=user.pk, loader=lambda: _wishlists_load(user_id=user.pk))
    return {"all": lists, "containing": [entry for entry in lists if product.pk in entry.product_ids]}
