"""Branded error pages: Danish or English, the shop's look, a way home, no stack trace (issue 17.6)."""

import pytest
from django.test import Client


@pytest.fixture
def failing_view(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "paid"),
    [
        ("da", "Der gik noget galt hos os", "Har du betalt? Så er din ordre ikke tabt."),
        ("en", "Something went wrong on our side", "Have you paid? Then your order is not lost."),
    ],
)
def test_an_exception_shows_the_branded_500_page_without_details(failing_view, language, heading, paid):
    response = failing_view.get(f"/{language}/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html
    assert paid in html
    assert 'href="/" data-testid="error-home"' in html
    assert "oscar/css/styles.css" in html
    assert "secret detail" not in html and "Traceback" not in html and "RuntimeError" not in html
    assert "Server Error (500)" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("da", "Vi kan ikke finde siden"), ("en", "We cannot find that page")]
)
def test_an_unknown_page_shows_the_branded_404_in_the_shop_layout(client, settings, language, heading):
    settings.DEBUG = False

    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html
    assert 'data-testid="error-home"' in html
    assert 'id="navbarSupportedContent"' in html or "navbar" in html  # the shop's own layout
