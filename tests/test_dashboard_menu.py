"""Who sees which dashboard menu entries: the menu asks the same policy as the pages (issue 12.3).

Each kind of user opens the dashboard; the test reads the menu as rendered (headings and
their entries) and compares it with what that user may do. Unapproved vendors and
municipal buyers have no dashboard at all: the page is a 403 and their menu is empty.
"""

import pytest
from lxml import html as lxml_html
from oscar.apps.dashboard.menu import get_nodes

from tests import factories
from vendors.models import VendorProfile

pytestmark = pytest.mark.django_db

# Oscar's own entries a vendor's user is given (its products and orders), and the start page.
OSCAR_VENDOR_MENU = {
    "Dashboard": [],
    "Catalog": ["Products"],
    "Fulfilment": ["Orders"],
}
VENDOR_MENU = {
    **OSCAR_VENDOR_MENU,
    "My enterprise": ["Profile", "Import products", "My offers"],
    "Deliveries and payouts": ["Vendor orders", "Payouts (Stripe)"],
}
HUB_MENU = {
    **OSCAR_VENDOR_MENU,
    "My enterprise": ["Profile", "Import products", "My offers"],
    "Deliveries and payouts": ["Vendor orders", "Substitutions", "Payouts (Stripe)"],
    "Bulk orders": ["Bulk orders to deliver"],
}
# The project's entries staff get, after Oscar's (not listed here: they are Oscar's business).
STAFF_PROJECT_MENU = {
    "Vendors": ["Vendors and applications", "Products awaiting approval", "Offers awaiting approval"],
    "Deliveries and payouts": ["Vendor orders", "Substitutions", "Held payouts"],
    "Bulk orders": ["Organisations", "Bulk orders to deliver"],
}
PROJECT_HEADINGS = {"Vendors", "My enterprise", "Deliveries and payouts", "Bulk orders"}


def menu_of(page: str) -> dict[str, list[str]]:
    """The dashboard menu as shown: each top entry's label and its dropdown's entries, in order."""
    tree = lxml_html.fromstring(page)
    menu = {}
    for item in tree.xpath('//div[@id="bottom_nav_bar"]/ul/li'):
        label = " ".join(item.xpath('./a[contains(@class, "nav-link")]')[0].text_content().split())
        menu[label] = [" ".join(a.text_content().split()) for a in item.xpath('.//a[@class="dropdown-item"]')]
    return menu


@pytest.fixture
def users(db):
    applicant = factories.customer(email="ansoeger@example.dk")
    # Applied, not approved: the applicant is neither linked to the partner nor given the dashboard.
    factories.vendor("ansoeger", login=False, status=VendorProfile.Status.APPLIED, applicant=applicant)
    return {
        "staff": factories.staff(),
        "vendor": factories.vendor_user(factories.vendor("vaerksted")),
        "hub": factories.vendor_user(factories.vendor("pakkeri", is_hub=True)),
        "applicant": applicant,
        "buyer": factories.municipality().buyer,
    }


def dashboard_menu(client, user) -> dict[str, list[str]]:
    client.force_login(user)
    response = client.get("/en/dashboard/")
    assert response.status_code == 200
    return menu_of(response.content.decode())


def test_an_approved_vendor_sees_its_own_pages_and_no_staff_or_hub_pages(client, users):
    assert dashboard_menu(client, users["vendor"]) == VENDOR_MENU


def test_the_hub_sees_its_pages_substitutions_and_bulk_deliveries(client, users):
    assert dashboard_menu(client, users["hub"]) == HUB_MENU


def test_staff_see_onboarding_payouts_and_bulk_orders_but_not_a_vendors_own_pages(client, users):
    menu = dashboard_menu(client, users["staff"])

    assert {label: menu[label] for label in PROJECT_HEADINGS if label in menu} == STAFF_PROJECT_MENU
    assert "My enterprise" not in menu
    assert "Payouts (Stripe)" not in menu["Deliveries and payouts"]


@pytest.mark.parametrize("kind", ["applicant", "buyer"])
def test_unapproved_vendors_and_municipal_buyers_have_no_dashboard_menu(client, users, kind):
    client.force_login(users[kind])

    response = client.get("/en/dashboard/")

    assert response.status_code == 403
    assert menu_of(response.content.decode() or "<html/>") == {}
    assert get_nodes(users[kind]) == []


def test_a_staff_user_who_is_also_a_vendors_user_sees_the_staff_menu(client, users):
    """Staff get the staff dashboard (its start page too), even when linked to a vendor."""
    staff = users["staff"]
    VendorProfile.objects.get(partner__users=users["vendor"]).partner.users.add(staff)

    menu = dashboard_menu(client, staff)

    assert "My enterprise" not in menu
    assert menu["Deliveries and payouts"] == ["Vendor orders", "Substitutions", "Held payouts"]
