"""Login throttling (django-axes) and password rules (issue 11 point 13)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PASSWORD = "Kurv-med-honning-42"


@pytest.fixture
def product_in_stock(db):
    """A public product in stock, sold by an approved enterprise."""
    from tests.factories import denmark, product, vendor

    denmark()
    return product(partner=vendor("havefolket"), title="Æblemost fra egen plantage", price_incl_vat="45.00")


@pytest.fixture
def buyer(db):
    return get_user_model().objects.create_user(username="ane", email="ane@example.dk", password=PASSWORD)


def shop_login(client, email, password):
    with translation.override("en"):
        url = reverse("customer:login")
    return client.post(
        url,
        {"login-username": email, "login-password": password, "login_submit": "1", "login-redirect_url": ""},
    )


def test_five_wrong_passwords_lock_the_account_so_even_the_right_one_is_refused(client, buyer):
    for _attempt in range(5):
        response = shop_login(client, buyer.email, "wrong-password")
    assert response.status_code == 429

    response = shop_login(client, buyer.email, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_logs_in(client, buyer):
    for _attempt in range(4):
        assert shop_login(client, buyer.email, "wrong-password").status_code == 200

    response = shop_login(client, buyer.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(buyer.pk)


def test_lockout_of_one_account_does_not_block_another_from_the_same_address(client, buyer):
    other = get_user_model().objects.create_user(username="bo", email="bo@example.dk", password=PASSWORD)
    for _attempt in range(5):
        shop_login(client, buyer.email, "wrong-password")

    response = shop_login(client, other.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_admin_login_is_throttled_too(client, admin_user):
    for _attempt in range(5):
        client.post("/admin/login/", {"username": "admin", "password": "wrong"})

    response = client.post("/admin/login/", {"username": "admin", "password": "password"})

    assert response.status_code == 429
    assert "For at beskytte kontoen er login herfra spærret i 15 minutter." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_dashboard_login_is_throttled_too(client, admin_user):
    with translation.override("da"):
        url = reverse("dashboard:login")
    for _attempt in range(5):
        client.post(url, {"username": "admin@example.com", "password": "wrong"})

    response = client.post(url, {"username": "admin@example.com", "password": "password"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "password, message",
    [
        ("Kort-1", "This password is too short. It must contain at least 10 characters."),
        ("1234567890123", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("nyebruger@example.dk", "The password is too similar to the email address."),
    ],
)
def test_registration_refuses_weak_passwords_with_the_reason(client, password, message):
    with translation.override("en"):
        url = reverse("customer:register")

    data = {"email": "nyebruger@example.dk", "password1": password, "password2": password}
    response = client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(email="nyebruger@example.dk").exists()


def register(client, email="ny@example.dk"):
    with translation.override("en"):
        url = reverse("customer:register")
    return client.post(url, {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def verification_link(email="ny@example.dk"):
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"http://faelleskurv\.test(/en/accounts/verify/\S+/)", message.body).group(1)


def test_registration_creates_an_inactive_account_and_mails_an_absolute_confirmation_link(client):
    response = register(client)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="ny@example.dk")
    assert user.check_password(PASSWORD) and not user.is_active
    assert "_auth_user_id" not in client.session
    assert mail.outbox[-1].subject == "Confirm your e-mail address for Fælleskurv"
    assert verification_link()


def test_an_unconfirmed_account_cannot_log_in(client):
    register(client)

    response = shop_login(client, "ny@example.dk", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_confirmation_link_activates_the_account_and_logs_in_once(client):
    register(client)
    link = verification_link()

    response = client.get(link)

    assert response.status_code == 302
    user = get_user_model().objects.get(email="ny@example.dk")
    assert user.is_active and client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    again = client.get(link, follow=True)
    assert "This confirmation link is invalid or has expired." in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_tampered_confirmation_link_activates_nothing(client):
    register(client)
    link = verification_link()

    response = client.get(link[:-3] + "xx/", follow=True)

    assert "This confirmation link is invalid or has expired." in response.content.decode()
    assert not get_user_model().objects.get(email="ny@example.dk").is_active


def test_danish_registration_mails_the_link_in_danish(client):
    with translation.override("da"):
        url = reverse("customer:register")
    client.post(url, {"email": "dansk@example.dk", "password1": PASSWORD, "password2": PASSWORD})

    message = mail.outbox[-1]
    assert message.subject == "Bekræft din e-mailadresse hos Fælleskurv"
    assert "http://faelleskurv.test/da/accounts/verify/" in message.body


def test_an_unconfirmed_account_can_still_check_out_as_a_guest(client, product_in_stock):
    register(client, email="gaest@example.dk")
    product = product_in_stock
    client.post(f"/en/basket/add/{product.pk}/", {"quantity": "1"})

    response = client.post("/en/checkout/", {"username": "gaest@example.dk", "options": "anonymous"})

    assert response.status_code == 302
    assert response["Location"].endswith("/checkout/shipping-address/")


def test_password_change_refuses_a_weak_new_password(client, buyer):
    client.force_login(buyer)
    with translation.override("en"):
        url = reverse("customer:change-password")

    data = {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"}
    response = client.post(url, data)

    assert response.status_code == 200
    assert "This password is too short." in response.content.decode()
    buyer.refresh_from_db()
    assert buyer.check_password(PASSWORD)


def checkout_login(client, email, password):
    return client.post("/en/checkout/", {"username": email, "password": password, "options": "existing"})


def test_checkout_login_of_a_returning_customer_works_and_is_throttled(client, product_in_stock, buyer):
    product = product_in_stock
    client.post(f"/en/basket/add/{product.pk}/", {"quantity": "1"})

    for _attempt in range(4):
        assert checkout_login(client, buyer.email, "wrong-password").status_code == 200
    assert checkout_login(client, buyer.email, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(buyer.pk)
    client.logout()
    client.post(f"/en/basket/add/{product.pk}/", {"quantity": "1"})

    for _attempt in range(5):
        checkout_login(client, buyer.email, "wrong-password")
    response = checkout_login(client, buyer.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
