"""Redis caching for the storefront, invalidated by one version key.

Every cached storefront value (rendered pages, the category menu, the vendor
filter) has the current catalogue version in its key. A change to a product,
price, stock record, vendor or category bumps the version (receivers.py), so
the next request renders afresh; old entries simply expire. A short timeout
bounds staleness for writes that send no signal (Oscar allocates stock with
`QuerySet.update()`).

Whole pages are cached only for visitors whose page cannot differ from
anyone else's: not signed in, no basket, no browsing history, no messages.
Forms in a cached page carry a placeholder instead of the CSRF token; each
response gets the visitor's own token.
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.utils.translation import get_language

VERSION_KEY = "storefront:version"
CSRF_PLACEHOLDER = "__storefront_csrf_token__"
# Cookies that do not change what a storefront page shows.
NEUTRAL_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def cache_seconds() -> int:
    return int(getattr(settings, "STOREFRONT_CACHE_SECONDS", 5))


def storefront_version_get() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = storefront_version_bump()
    return version


def storefront_version_bump() -> str:
    """Make every cached storefront value unreachable."""
    version = uuid.uuid4().hex[:12]
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def cached(*, name: str, loader: Callable[[], Any], per_language: bool = False) -> Any:
    if cache_seconds() <= 0:
        return loader()
    key = f"storefront:{storefront_version_get()}:{name}"
    if per_language:
        key += f":{get_language()}"
    value = cache.get(key)
    if value is None:
        value = loader()
        cache.set(key, value, timeout=cache_seconds())
    return value


def page_cacheable(request: HttpRequest) -> bool:
    return (
        cache_seconds() > 0
        and request.method in ("GET", "HEAD")
        and set(request.COOKIES) <= NEUTRAL_COOKIES
    )


def _page_key(request: HttpRequest, version: str) -> str:
    digest = hashlib.sha1(request.get_full_path().encode()).hexdigest()
    return f"storefront:{version}:page:{get_language()}:{digest}"


def page_get(request: HttpRequest) -> HttpResponse | None:
    """The cached page for this request, with the visitor's CSRF token, or None."""
    html = cache.get(_page_key(request, storefront_version_get()))
    if html is None:
        return None
    response = HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))
    response["X-Storefront-Cache"] = "hit"
    return response


def page_set(request: HttpRequest, response: HttpResponse, *, version: str) -> HttpResponse:
    """Store a freshly rendered page (rendered with the placeholder) and fill in the token."""
    html = response.content.decode()
    if response.status_code == 200:
        cache.set(_page_key(request, version), html, timeout=cache_seconds())
    response.content = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response["X-Storefront-Cache"] = "miss"
    return response


class PageCacheMixin:
    """For storefront views whose anonymous page is the same for every visitor."""

    # Read-only pages: no transaction (ATOMIC_REQUESTS) around them, so a
    # cached page costs no database round trip at all.
    @method_decorator(transaction.non_atomic_requests)
    def dispatch(self, request, *args, **kwargs):
        self.page_cacheable = page_cacheable(request)
        if not self.page_cacheable:
            return super().dispatch(request, *args, **kwargs)
        hit = page_get(request)
        if hit is not None:
            return self.page_cache_hit(request, hit, *args, **kwargs)
        # Read the version before rendering: a change during the render then
        # leaves this page under the old, unreachable version.
        version = storefront_version_get()
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
