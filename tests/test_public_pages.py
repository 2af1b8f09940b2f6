"""Footer, legal pages and menu of the public shop: the seller is named with CVR, the terms,
withdrawal and privacy pages exist in Danish and English, and logging in keeps the language."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

pytestmark = pytest.mark.django_db

FOOTER_LINKS = {
    "da": ("Handelsbetingelser", "Fortrydelsesret (14 dage)", "Privatlivspolitik"),
    "en": ("Terms and conditions", "Right of withdrawal (14 days)", "Privacy policy"),
}


def _footer(html):
    match = re.search(r'<footer class="site-footer".*?</footer>', html, re.S)
    assert match, "no footer"
    return match.group(0)


@pytest.mark.parametrize("language", ["da", "en"])
def test_footer_names_the_seller_with_cvr_and_links_terms_withdrawal_and_privacy(client, language):
    footer = _footer(client.get(f"/{language}/catalogue/").content.decode())

    assert f"CVR {settings.MARKETPLACE_SELLER['cvr']}" in footer
    assert settings.MARKETPLACE_SELLER["name"] in footer
    slugs = ("handelsbetingelser", "fortrydelsesret", "privatlivspolitik")
    for label, slug in zip(FOOTER_LINKS[language], slugs, strict=True):
        assert f'href="/{language}/{slug}/">{label}</a>' in footer


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/da/fortrydelsesret/", "14 dage"),
        ("/da/fortrydelsesret/", "letfordærvelige fødevarer"),
        ("/en/fortrydelsesret/", "perishable food"),
        ("/da/handelsbetingelser/", "inkl. 25 % moms"),
        ("/en/handelsbetingelser/", "including 25 % VAT"),
        ("/da/privatlivspolitik/", "Modtagere af gavekurve"),
        ("/en/privatlivspolitik/", "Recipients of gift baskets"),
        ("/da/cookies/", "oscar_history"),
        ("/da/kontakt/", settings.MARKETPLACE_CONTACT_EMAIL),
    ],
)
def test_legal_pages_answer_in_both_languages(client, path, text):
    response = client.get(path)

    assert response.status_code == 200
    assert text in response.content.decode()


def test_staff_edited_flat_page_replaces_the_default_text(client):
    page = FlatPage.objects.create(
        url="/da/handelsbetingelser/",
        title="Betingelser 2027",
        content="<p>Nye betingelser fra 1. januar.</p>",
    )
    page.sites.add(Site.objects.get(pk=settings.SITE_ID))

    html = client.get("/da/handelsbetingelser/").content.decode()

    assert "Nye betingelser fra 1. januar." in html and "Betingelser 2027" in html
    assert "Priser og betaling" not in html


def test_unknown_page_under_a_legal_looking_url_is_a_404_and_shop_pages_still_resolve(client):
    assert client.get("/da/ingen-side/").status_code == 404
    assert client.get("/da/basket/").status_code == 200


def test_menu_links_gift_baskets_enterprises_municipalities_and_become_a_seller(client):
    html = client.get("/da/catalogue/").content.decode()
    nav = re.search(r'<nav class="navbar navbar-expand-lg navbar-dark.*?</nav>', html, re.S)
    assert nav, "no primary navigation"
    for href in ("/da/gavekurve/", "/da/vendors/", "/da/kommune/", "/da/vendors/apply/"):
        assert f'href="{href}"' in nav.group(0)
        assert client.get(href).status_code == 200


def test_login_from_danish_pages_with_an_english_browser_stays_danish(client):
    user = get_user_model().objects.create_user(
        username="k@example.dk", email="k@example.dk", password="en-lang-og-sikker-kode"
    )

    response = client.post(
        "/da/accounts/login/",
        {"login-username": user.email, "login-password": "en-lang-og-sikker-kode", "login_submit": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    assert response["Location"] == "/da/catalogue/"


def test_no_storefront_page_references_a_third_party_host(client):
    for path in ("/da/catalogue/", "/da/gavekurve/", "/da/basket/", "/da/accounts/login/", "/da/kommune/"):
        html = client.get(path, follow=True).content.decode()
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", html):
            url = re.search(r'(?:src|href)="([^"]+)"', tag)
            assert not url or not re.match(r"(https?:)?//", url.group(1)), f"{path}: {tag}"


def test_new_product_slug_spells_danish_letters_out():
    from oscar.test.factories import ProductFactory

    product = ProductFactory(title="Rødvin Æblemost Gåsebryst", slug="", stockrecords__price_currency="DKK")

    assert product.slug.startswith("roedvin-aeblemost-gaasebryst")
    assert "/roedvin-aeblemost-gaasebryst" in product.get_absolute_url()
