"""Absolute links in e-mails, from configuration (issue 11 point 14).

An e-mail is sent from a worker or after a commit, where there is no request, and a request's
Host header is the visitor's to choose; so links are built from SITE_SCHEME and SITE_DOMAIN
(`make run` sets SITE_DOMAIN to 127.0.0.1:$PORT). Django's Site row is kept equal to them after
every migrate, so Oscar's own e-mails (password reset, order confirmation) say the same.
"""

from django.conf import settings


def site_url(path: str = "") -> str:
    """``https://faelleskurv.dk`` + path; path is an absolute path such as ``/da/dashboard/``."""
    return f"{settings.SITE_SCHEME}://{settings.SITE_DOMAIN}{path}"


def site_current():
    """A Site carrying the configured domain and the shop's name (for Oscar's e-mail templates)."""
    from django.contrib.sites.models import Site

    return Site(id=settings.SITE_ID, domain=settings.SITE_DOMAIN, name=settings.OSCAR_SHOP_NAME)


def site_sync(**kwargs) -> None:
    """post_migrate: the Site row says the configured domain and name, not example.com."""
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": settings.SITE_DOMAIN, "name": settings.OSCAR_SHOP_NAME}
    )
    Site.objects.clear_cache()
