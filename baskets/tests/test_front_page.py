"""The front page (/da/, /en/): what Fælleskurv is, ready-made baskets with their pictures, the
enterprises, and the ways in for companies, municipal buyers and enterprises that want to sell."""

import re

import pytest

from baskets import pictures
from baskets.selectors import published_designs
from vendors.models import VendorProfile

pytestmark = pytest.mark.django_db


def test_site_root_opens_the_danish_front_page(client, shop_with_pictures):
    response = client.get("/", follow=True)

    assert response.redirect_chain[-1][0] == "/da/"
    html = response.content.decode()
    assert '<h1 id="front-title">Gavekurve fra socialøkonomiske virksomheder</h1>' in html
    assert "Sådan virker en fælles kurv" in html
    assert "Priserne er inkl. 25 % moms." in html
    assert "For virksomheder, kommuner og socialøkonomiske virksomheder" in html


def test_front_page_shows_ready_made_baskets_with_pictures_and_the_enterprises(client, shop_with_pictures):
    html = client.get("/da/").content.decode()

    designs = list(published_designs()[:4])
    assert designs and html.count('data-testid="front-basket"') == len(designs)
    for design in designs:
        assert f'href="/da/gavekurve/faerdige/{design.slug}/">{design.name}</a>' in html
        products = [item.product for item in design.items.order_by("pk")]
        assert f'src="{pictures.basket_picture(products=products).url}"' in html
    for vendor in VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED):
        assert f'href="/da/vendors/{vendor.slug}/"' in html
    assert re.search(r"Fra \d+ virksomheder", html)


def test_front_page_leads_municipal_buyers_and_new_sellers_in(client, shop_with_pictures):
    html = client.get("/da/").content.decode()

    assert 'href="/da/kommune/">For kommunale indkøbere</a>' in html
    assert 'href="/da/vendors/apply/">Bliv sælger</a>' in html
    assert 'href="/da/gavekurve/sammensaet/"' in html


def test_front_page_in_english(client, shop_with_pictures):
    html = client.get("/en/").content.decode()

    assert "Gift baskets from social enterprises" in html
    assert "How a joint basket works" in html
    assert 'href="/en/kommune/">For municipal buyers</a>' in html


def test_brand_and_breadcrumb_home_lead_to_the_front_page(client, shop_with_pictures):
    design = published_designs().first()
    html = client.get(f"/da/gavekurve/faerdige/{design.slug}/").content.decode()

    assert '<a class="brand-link" href="/da/">' in html
    assert '<li class="breadcrumb-item"><a href="/da/">Hjem</a></li>' in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("width_name", "viewport"),
    [
        ("desktop", {"width": 1366, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ],
)
def test_front_page_is_accessible_and_fits_desktop_and_phone(
    browser, live_server, demo_data, width_name, viewport
):
    from tests.browser_checks import Sweep

    context = browser.new_context(locale="da-DK", viewport=viewport)
    page = context.new_page()
    sweep = Sweep(page, width_name, prefix="front-page")
    try:
        page.goto(live_server.url + "/da/")
        # every basket picture loaded (they load lazily, so bring each into view)
        for picture in page.locator("img.basket-picture").all():
            picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.basket-picture')]"
            ".every(i => i.complete && i.naturalWidth)"
        )
        sweep.check("da")
        page.goto(live_server.url + "/en/")
        sweep.check("en")
    finally:
        context.close()

    assert sweep.problems == {}, sweep.report()
