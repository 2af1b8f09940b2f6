"""The hub decides a substitute in the browser, on a desktop and on a phone (issue 13.5)."""

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS
from fulfilment.models import Substitution
from fulfilment.tests.test_substitution import coffee_declined  # noqa: F401 - the fixture
from tests.browser_checks import axe_blocking, sideways_problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_hub_confirms_the_proposed_substitute_on_a_phone_and_sees_what_goes_back(
    coffee_declined,  # noqa: F811 - the fixture imported above
    live_server,
    page,
):
    order, coffee, tea, *_rest = coffee_declined
    sub = Substitution.objects.get(order=order)
    page.goto(f"{live_server.url}/da/accounts/login/?next=/da/dashboard/vendor-orders/substitutions/")
    page.fill("#id_login-username", "verdensbutikken@faelleskurv.example")
    page.fill("#id_login-password", "faelleskurv")
    page.click("button[name=login_submit]")
    page.wait_for_url("**/substitutions/")
    row = page.get_by_test_id(f"substitution-{sub.pk}")
    expect(row).to_contain_text(coffee.title)
    expect(row).to_contain_text("Økologisk te")
    expect(row).to_contain_text("Afventer en beslutning")

    row.get_by_role("link", name=order.number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    problems = {}
    for name, size in (("desktop", (1366, 900)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=str(ARTIFACTS / f"substitution-{name}.png"), full_page=True)
        found = axe_blocking(page) + (sideways_problems(page) if name == "phone" else [])
        if found:
            problems[name] = found
    assert problems == {}
    expect(page.get_by_role("radio", name=tea.get_title(), exact=True)).to_be_checked()
    candidate = page.get_by_test_id(f"candidate-{tea.pk}")
    expect(candidate).to_contain_text("7 skal bruges; 20 kan skaffes til datoen")

    page.get_by_role("button", name="Bekræft erstatning").click()

    refund = page.get_by_test_id("refund")
    expect(refund).to_be_visible()
    sub.refresh_from_db()
    confirmed = (
        page.get_by_role("main")
        .get_by_role("alert")
        .filter(has_text="Bekræftet: 7 × Økologisk te leveres i stedet")
    )
    expect(confirmed).to_be_visible()
    expect(page.get_by_test_id("status")).to_contain_text("Erstatning bekræftet")
    amount = f"{sub.refund_incl_tax:.2f}".replace(".", ",")
    expect(refund).to_contain_text(amount)
    page.screenshot(path=str(ARTIFACTS / "substitution-confirmed-phone.png"), full_page=True)
