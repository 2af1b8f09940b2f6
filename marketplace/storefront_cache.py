"""Redis caching for the storefront, invalidated by one version key.

Every cached storefront value (rendered pages, the category menu, the vendor
filter) is stored with the catalogue version it was made from and read in the
same round trip as the current version. A change to a product, price, stock
record, vendor or category bumps the version (marketplace/oscar_apps/catalogue/receivers.py), so the next
request renders afresh. A short timeout
bounds staleness for writes that send no signal (Oscar allocates stock with
`QuerySet.update()`).

Whole pages are cached only for visitors whose page cannot differ from
anyone else's: not signed in, no basket, no browsing history, no messages.
Forms in a cached page carry a placeholder instead of the CSRF token; each
response gets the visitor's own token.
"""

import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar, Token
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "storefront:version"
CSRF_PLACEHOLDER = "__storefront_csrf_token__"
# Cookies that do not change what a storefront page shows.
NEUTRAL_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


# --- One round trip for the values every signed-in page reads -------------------------------
#
# A signed-in page reads the storefront version, the menu, the filter choices, the blocked
# vendors, the user's permissions, unread notifications and open basket, and the offers
# flags: about eight Redis round trips. The layout's middleware asks for all of them in one
# MGET at the start of the request (`request_values_prefetch`); the readers below take them
# from there. Every write or invalidation through these helpers updates the prefetched copy,
# so a change made by the request itself is seen by the rest of it.

_NOT_PREFETCHED = object()
_request_values: ContextVar[dict | None] = ContextVar("storefront_request_values", default=None)


def request_values_prefetch(keys: Iterable[str]) -> Token:
    """Read `keys` in one MGET for the rest of this request (a failed read: every key a miss)."""
    keys = list(keys)
    found = cache.get_many(keys)
    return _request_values.set({key: found.get(key) for key in keys})


def request_values_end(token: Token) -> None:
    _request_values.reset(token)


def prefetched(key: str):
    """The value this request prefetched for `key` (None: a miss), or `_NOT_PREFETCHED`."""
    values = _request_values.get()
    if values is None:
        return _NOT_PREFETCHED
    return values.get(key, _NOT_PREFETCHED)


def prefetched_is_missing(value) -> bool:
    return value is _NOT_PREFETCHED


def prefetched_update(values: dict) -> None:
    """Keep this request's prefetched copy in step with a write (None: deleted)."""
    current = _request_values.get()
    if current is not None:
        for key, value in values.items():
            if key in current:
                current[key] = value


def cache_seconds() -> int:
    return int(getattr(settings, "STOREFRONT_CACHE_SECONDS", 5))


# A bump that could not reach the cache, applied by this process's next storefront read
# or by the beat heartbeat (marketplace/tasks.py). Values live STOREFRONT_CACHE_SECONDS at
# most, so even a bump lost with its process costs no more staleness than that.
_bump_pending = False
_bump_retry_at = 0.0
BUMP_RETRY_SECONDS = 1.0


def storefront_version_bump() -> str:
    """Make every cached storefront value stale; never raises (a dead cache leaves the bump pending)."""
    global _bump_pending, _bump_retry_at
    version = uuid.uuid4().hex[:12]
    # The rest of this request sees the bump too, even while the cache is down.
    prefetched_update({VERSION_KEY: version})
    if _bump_pending and time.monotonic() < _bump_retry_at:
        return version  # the cache failed a moment ago: do not make every read wait for it again
    try:
        getattr(cache, "strict", cache).set(VERSION_KEY, version, timeout=None)
    except Exception as exc:  # noqa: BLE001 - a cache outage must not fail the change that bumped
        if not _bump_pending:
            logger.warning("Storefront version bump pending: cache unavailable (%s)", exc.__class__.__name__)
        _bump_pending = True
        _bump_retry_at = time.monotonic() + BUMP_RETRY_SECONDS
    else:
        _bump_pending = False
    return version


def storefront_version_bump_on_change(**kwargs) -> None:
    """A `post_save`/`post_delete` receiver for a model that storefront pages show.

    Bumps now, for the rest of this transaction's requests and for tests, and after
    commit, so a page rendered from pre-commit data in between is not served either.
    Neither raises while the cache is down: the bump stays pending and is applied when
    the cache answers again.
    """
    storefront_version_bump()
    transaction.on_commit(storefront_version_bump)


def storefront_version_bump_pending() -> bool:
    return _bump_pending


def storefront_version_bump_apply_pending() -> bool:
    """Apply a bump that failed while the cache was down; True if one was applied now."""
    if not _bump_pending:
        return False
    storefront_version_bump()
    return not _bump_pending


def _get_current(key: str):
    """One round trip: the value stored under `key` if it was stored under the current version.

    Values are stored as (version, value); the version key is read in the same
    MGET, so a bump makes every older value a miss at once.
    """
    if _bump_pending:
        storefront_version_bump_apply_pending()
    version, stored = prefetched(VERSION_KEY), prefetched(key)
    if prefetched_is_missing(version):
        found = cache.get_many([VERSION_KEY, key])
        version, stored = found.get(VERSION_KEY), found.get(key)
    elif prefetched_is_missing(stored):
        stored = cache.get(key)
    version = version or storefront_version_bump()
    if stored is not None and stored[0] == version:
        return version, stored[1]
    return version, None


def _set_current(key: str, version: str, value) -> None:
    cache.set(key, (version, value), timeout=cache_seconds())
    prefetched_update({key: (version, value)})


def request_keys(*, language: str) -> list[str]:
    """The storefront keys every storefront page reads (for `request_values_prefetch`)."""
    names = ["vendor-choices", "blocked-partners", "packaging-products", f"category-menu:{language}"]
    return [VERSION_KEY, *(f"storefront:{name}" for name in names)]


def current_get(*, name: str) -> tuple[str, Any]:
    """The storefront value `name` if stored under the current version (else None), and that version.

    For values a caller computes anyway on a miss (a listing's count and page):
    store them with `current_set` under the version returned here, read before.
    """
    return _get_current(f"storefront:{name}")


def current_set(*, name: str, version: str, value: Any) -> None:
    _set_current(f"storefront:{name}", version, value)


def cached(*, name: str, loader: Callable[[], Any], per_language: bool = False) -> Any:
    """A small storefront value (menu, filter choices), loaded once per catalogue version."""
    if cache_seconds() <= 0:
        return loader()
    key = f"storefront:{name}:{get_language()}" if per_language else f"storefront:{name}"
    version, value = _get_current(key)
    if value is None:
        value = loader()
        _set_current(key, version, value)
    return value


def page_cacheable(request: HttpRequest) -> bool:
    return (
        cache_seconds() > 0
        and getattr(settings, "STOREFRONT_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= NEUTRAL_COOKIES
    )


def _page_key(request: HttpRequest) -> str:
    digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    return f"storefront:page:{get_language()}:{digest}"


def page_get(request: HttpRequest) -> tuple[str, HttpResponse | None]:
    """The current version and the cached page for this request (with the visitor's CSRF token) or None."""
    version, html = _get_current(_page_key(request))
    if html is None:
        return version, None
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    response["X-Storefront-Cache"] = "hit"
    return version, response


def page_set(request: HttpRequest, response: HttpResponse, *, version: str) -> HttpResponse:
    """Store a freshly rendered page (rendered with the placeholder) and fill in the token."""
    html = response.content.decode()
    if response.status_code == 200:
        _set_current(_page_key(request), version, html)
    response.content = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response["X-Storefront-Cache"] = "miss"
    return response


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def storefront_page_cache(view_func):
    """Page-cache any storefront view for anonymous, cookieless visitors (function or `dispatch`).

    For views whose templates render `{% csrf_token %}` normally: the token of
    the first render is swapped for the placeholder before the page is stored.
    Use it only on pages that show nothing per visitor beyond what the cookie
    rule already excludes (session, basket, history, messages).
    """

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not page_cacheable(request):
            return view_func(request, *args, **kwargs)
        version, hit = page_get(request)
        if hit is not None:
            return hit
        response = view_func(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code == 200 and not response.streaming:
            html = response.content.decode()
            for token in set(_CSRF_INPUT.findall(html)):
                html = html.replace(token, CSRF_PLACEHOLDER)
            _set_current(_page_key(request), version, html)
            response["X-Storefront-Cache"] = "miss"
        return response

    return wrapper


class PageCacheMixin:
    """For storefront views whose anonymous page is the same for every visitor."""

    # Read-only pages: no transaction (ATOMIC_REQUESTS) around them, so a
    # cached page costs no database round trip at all.
    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        self.page_cacheable = page_cacheable(request)
        if not self.page_cacheable:
            return super().dispatch(request, *args, **kwargs)
        # The version is read before rendering: a change during the render then
        # leaves this page under the old version, never served.
        version, hit = page_get(request)
        if hit is not None:
            return self.page_cache_hit(request, hit, *args, **kwargs)
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return page_set(request, response, version=version)

    def page_cache_hit(self, request, response, *args, **kwargs):
        """Per-visitor work a cached page still needs (e.g. a history cookie)."""
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if self.page_cacheable:
            ctx["csrf_token"] = CSRF_PLACEHOLDER
        return ctx


def fragment_get(key: str) -> tuple[str, str | None]:
    """A rendered template fragment stored under the current storefront version (or None)."""
    return _get_current(f"storefront:fragment:{get_language()}:{key}")


def fragment_set(key: str, version: str, html: str) -> None:
    _set_current(f"storefront:fragment:{get_language()}:{key}", version, html)
