"""What Oscar's page layout reads on every request, fetched in few queries or cached.

A signed-in buyer's page is never served from the storefront page cache, so
the layout's own costs (permissions, unread notifications, the basket with its
lines) are paid on every request. This package keeps them small:

- `user_cache`: per-user values (permissions, unread notifications) cached in
  Redis and dropped by signals when they change (`receivers.py`).
- `auth_backends`: Oscar's e-mail backend and Django's model backend reading
  permissions through that cache.
- `context_processors.notifications`: Oscar's unread-notification count, cached.
- `cart_summary` (template tag `cart_summary` in `layout_tags`): the header's
  mini-basket and the phone's basket button, cached per basket id under a
  version that `receivers.py` bumps on every change to the basket, its lines,
  vouchers and gift baskets (and keyed by the storefront version for prices),
  so a page that shows no lines itself does not load them.
- `middleware.BasketMiddleware`: Oscar's, loading the basket's lines (on first
  use) with everything the mini-basket and the pricing strategy touch in a
  fixed number of queries, and skipping the offer applicator while the shop
  has no offers or vouchers at all.

A cache failure is a cache miss: every value is then read from the database.
"""
