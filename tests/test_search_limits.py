"""A search longer than 200 characters searches its first 200 and says so (issue 17.8)."""

import pytest
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("da", "Din søgning var længere end 200 tegn: vi har søgt på de første 200."),
        ("en", "Your search was longer than 200 characters: we searched for the first 200."),
    ],
)
def test_a_search_over_200_characters_searches_the_first_200_and_says_so(client, shop, language, message):
    coffee = Product.objects.get(upc="RR-KAF-01")
    wine = Product.objects.get(upc="HF-VIN-01")
    query = "kaffe " * 33 + "  " + "vin " * 10  # 200 characters of coffee, then wine

    response = client.get(f"/{language}/search/", {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="search-truncated"' in html and message in html
    assert coffee.title in html
    assert wine.title not in html
    assert len(response.context["query"]) <= 200


@pytest.mark.django_db
def test_a_search_of_200_characters_or_less_says_nothing_about_length(client, shop):
    response = client.get("/en/search/", {"q": "kaffe"})

    assert response.status_code == 200
    assert 'data-testid="search-truncated"' not in response.content.decode()
    assert Product.objects.get(upc="RR-KAF-01").title in response.content.decode()
