"""The shop's legal pages: terms, right of withdrawal, privacy, cookies and contact.

Each page has a default text per language in `templates/legal/<page>.html`. Staff can replace it
without a deploy: a flat page (Oscar's dashboard, Content > Pages) whose URL is the page's own
URL in that language (e.g. `/da/handelsbetingelser/`) is shown instead.
"""

from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

PAGES = {
    "handelsbetingelser": ("terms", _("Terms and conditions")),
    "fortrydelsesret": ("withdrawal", _("Right of withdrawal")),
    "privatlivspolitik": ("privacy", _("Privacy policy")),
    "cookies": ("cookies", _("Cookies")),
    "kontakt": ("contact", _("Contact")),
}


def legal_page(request, slug: str):
    try:
        template, title = PAGES[slug]
    except KeyError:
        raise Http404 from None
    edited = FlatPage.objects.filter(url=request.path, sites__id=settings.SITE_ID).first()
    return render(
        request,
        f"legal/{template}.html",
        {"title": edited.title if edited else title, "edited": edited},
    )
