"""Search and the composer fold Danish letters case-insensitively, on SQLite too (issue 11 point 17)."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from baskets.selectors import composer_products
from marketplace.oscar_apps.catalogue.selectors import product_search
from marketplace.text_folding import text_fold

Product = get_model("catalogue", "Product")


@pytest.fixture
def aeblemost(db):
    """Æblemost in the shop and the composer: an approved enterprise's public product in a category."""
    from tests.factories import product, vendor

    return product(
        partner=vendor("havefolket", is_rsov=True),
        sku="HF-MOST-01",
        title="Æblemost fra egen plantage",
        price_incl_vat="45.00",
        category_path="Mad og drikke > Vin og most",
    )


def test_text_fold_makes_danish_capitals_and_small_letters_agree():
    assert text_fold("ÆBLEMOST") == text_fold("æblemost") == "æblemost"
    assert text_fold("Ø") == text_fold("ø")
    assert text_fold("Å") == text_fold("å")
    assert text_fold(None) is None


@pytest.fixture
def sqlite(django_db_blocker):
    """A separate in-memory SQLite connection, set up the way `make run` gets one."""
    with django_db_blocker.unblock():
        yield from _sqlite()


def _sqlite():
    wrapper = SQLiteWrapper(
        {
            **connection.settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ":memory:",
            "OPTIONS": {},
            "TEST": {},
        },
        alias="sqlite-folding",
    )
    wrapper.ensure_connection()
    with wrapper.cursor() as cursor:
        cursor.execute('CREATE TABLE "catalogue_product" ("id" integer PRIMARY KEY, "title" text)')
        cursor.executemany(
            'INSERT INTO "catalogue_product" ("id", "title") VALUES (%s, %s)',
            [
                (1, "Æblemost fra egen plantage"),
                (2, "Hvidvin Birkelund"),
                (3, "Ristet rødbede"),
                (4, "50% mørk"),
            ],
        )
    yield wrapper
    wrapper.close()


def sqlite_titles(wrapper, queryset):
    query = queryset.order_by().values_list("title", flat=True).query
    sql, params = query.get_compiler(connection=wrapper).as_sql()
    with wrapper.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("word", ["æblemost", "ÆBLEMOST", "Æblemost", "æBLE"])
def test_on_sqlite_foldcontains_finds_aeblemost_whatever_the_case(sqlite, word):
    assert sqlite_titles(sqlite, Product.objects.filter(title__foldcontains=word)) == [
        "Æblemost fra egen plantage"
    ]


def test_on_sqlite_plain_icontains_misses_it_which_is_why_foldcontains_exists(sqlite):
    assert sqlite_titles(sqlite, Product.objects.filter(title__icontains="æblemost")) == []


def test_on_sqlite_foldcontains_escapes_like_wildcards(sqlite):
    assert sqlite_titles(sqlite, Product.objects.filter(title__foldcontains="RØDBEDE")) == ["Ristet rødbede"]
    assert sqlite_titles(sqlite, Product.objects.filter(title__foldcontains="50% MØRK")) == ["50% mørk"]
    assert sqlite_titles(sqlite, Product.objects.filter(title__foldcontains="5_%")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["æblemost", "ÆBLEMOST", "Æblemost"])
def test_shop_search_finds_aeblemost_whatever_the_case(aeblemost, word):
    found = product_search(queryset=Product.objects.filter(is_public=True), query=word)

    assert "Æblemost fra egen plantage" in {p.title for p in found}


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["æble", "ÆBLE", "Æblemost"])
def test_composer_search_finds_aeblemost_whatever_the_case(client, aeblemost, word):
    assert "Æblemost fra egen plantage" in {p.title for p in composer_products(query=word)}
    with translation.override("da"):
        response = client.get(reverse("giftbaskets:composer"), {"q": word})
    assert "Æblemost fra egen plantage" in response.content.decode()
