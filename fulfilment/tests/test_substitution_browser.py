"""The hub decides a substitute in the browser, on a desktop and on a phone (issue 13.5)."""

import pytest

from conftest import ARTIFACTS
from fulfilment.models import Substitution
from fulfilment.tests.test_substitution import coffee_declined  # noqa: F401 - the fixture
from tests.browser_checks import axe_blocking, sideways_problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_hub_confirms_the_proposed_substitute_on_a_phone_and_sees_what_goes_back(
    coffee_declined, live_server, page  # noqa: F811
):
    order, coffee, tea, *_rest = coffee_declined
    sub = Substitution.objects.get(order=order)
    page.goto(f"{live_server.url}/da/accounts/login/?next=/da/dashboard/vendor-orders/substitutions/")
    page.fill("#id_login-username", "verdensbutikken@faelleskurv.example")
    page.fill("#id_login-password", "faelleskurv")
    page.click("button[name=login_submit]")
    page.wait_for_url("**/substitutions/")
    row = page.locator(f"[data-testid=substitution-{sub.pk}]").inner_text()
    assert coffee.title in row and "Økologisk te" in row and "Afventer en beslutning" in row

    page.click(f"text={order.number}")
    problems = {}
    for name, size in (("desktop", (1366, 900)), ("phone", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=str(ARTIFACTS / f"substitution-{name}.png"), full_page=True)
        found = axe_blocking(page) + (sideways_problems(page) if name == "phone" else [])
        if found:
            problems[name] = found
    assert problems == {}
    assert page.locator(f"#product-{tea.pk}").is_checked()
    candidate = page.locator(f"[data-testid=candidate-{tea.pk}]").inner_text()
    assert "7 skal bruges; 20 kan skaffes til datoen" in candidate

    page.click("button[value=confirm]")

    page.wait_for_selector("[data-testid=refund]")
    sub.refresh_from_db()
    text = page.inner_text("main")
    assert "Bekræftet: 7 × Økologisk te leveres i stedet" in text
    assert "Erstatning bekræftet" in page.inner_text("[data-testid=status]")
    amount = f"{sub.refund_incl_tax:.2f}".replace(".", ",")
    assert amount in page.inner_text("[data-testid=refund]")
    page.screenshot(path=str(ARTIFACTS / "substitution-confirmed-phone.png"), full_page=True)
