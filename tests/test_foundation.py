"""The skeleton: storefront languages, VAT prices, demo data, settings and Celery."""

import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from oscar.core.loading import get_class, get_model
from stdnum.dk import cvr

ROOT = Path(__file__).resolve().parent.parent
Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Selector = get_class("partner.strategy", "Selector")


def _counts():
    from django.apps import apps

    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"partner", "catalogue", "vendors", "auth", "address", "giftbaskets"}
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent(demo_data):
    before = _counts()
    stock_before = list(StockRecord.objects.order_by("pk").values_list("pk", "price", "num_in_stock"))

    call_command("seed_demo", stdout=open(os.devnull, "w"))

    assert _counts() == before
    assert list(StockRecord.objects.order_by("pk").values_list("pk", "price", "num_in_stock")) == stock_before


@pytest.mark.django_db
def test_seed_demo_creates_six_vendors_with_eight_to_fifteen_products(demo_data):
    per_partner = Counter(StockRecord.objects.values_list("partner__name", flat=True))

    assert len(per_partner) == 6
    assert all(8 <= n <= 15 for n in per_partner.values()), per_partner
    assert Product.objects.filter(is_public=True).count() >= 50
    assert all(p.images.exists() for p in Product.objects.all())
    for partner in Partner.objects.select_related("vendor_profile"):
        assert cvr.is_valid(partner.vendor_profile.cvr)
        assert partner.users.exists()


@pytest.mark.django_db
def test_price_includes_25_percent_vat_rounded_to_the_ore(shop):
    record = StockRecord.objects.get(partner_sku="HF-VIN-01")
    info = Selector().strategy().fetch_for_product(record.product)

    assert record.price == Decimal("151.20")
    assert info.price.excl_tax == Decimal("151.20")
    assert info.price.incl_tax == Decimal("189.00")


@pytest.mark.django_db
def test_storefront_renders_in_danish_with_kroner(client, shop):
    response = client.get("/da/catalogue/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da"' in html
    assert "Rødvin Solhverv 2024" in html
    assert "189,00\xa0kr." in html or "189,00 kr." in html
    assert "Læg i kurv" in html
    assert "Gavekurve fra socialøkonomiske virksomheder" in html


@pytest.mark.django_db
def test_site_root_leads_to_the_danish_front_page_and_on_to_the_catalogue(client, shop):
    response = client.get("/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/da/"
    assert 'href="/da/catalogue/"' in response.content.decode()
    assert "Rødvin Solhverv 2024" in client.get("/da/catalogue/").content.decode()


@pytest.mark.django_db
def test_storefront_renders_in_english(client, shop):
    response = client.get("/en/catalogue/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Add to cart" in html
    assert "Gift baskets from social enterprises" in html


@pytest.mark.django_db
def test_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/da/catalogue/"})

    assert response.status_code == 302
    assert response["Location"] == "/en/catalogue/"


def _run_with_settings(module, env_extra, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": module, **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_secret_key():
    result = _run_with_settings(
        "marketplace.settings.production",
        {"DJANGO_ALLOWED_HOSTS": "shop.example", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"},
        "check",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy():
    result = _run_with_settings(
        "marketplace.settings.production",
        {
            "DJANGO_SECRET_KEY": "x" * 20 + "production-grade-secret-key-" + "y" * 30,
            "DJANGO_ALLOWED_HOSTS": "shop.example",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/faelleskurv",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_celery_app_finds_the_project_tasks():
    from marketplace.celery import app

    app.loader.import_default_modules()

    assert "marketplace.tasks.ping" in app.tasks
    assert "marketplace.tasks.heartbeat" in app.tasks


def test_beat_schedule_runs_the_heartbeat():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["heartbeat"]["task"] == "marketplace.tasks.heartbeat"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_by_the_web_process_runs_in_a_separate_worker(client, celery_real):
    response = client.get("/healthz?worker=1")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat_last_run": response.json()["beat_last_run"],
        "status": "ok",
        "failing": [],
    }
    celery_real["log"].seek(0)
    assert "marketplace.tasks.ping" in celery_real["log"].read()


@pytest.mark.django_db
def test_health_page_reports_a_broken_broker(client):
    from marketplace.celery import app

    old = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = old

    assert response.status_code == 503
    assert response.json()["broker"].startswith("error:")
    assert response.json()["failing"] == ["broker"]
    assert response.json()["database"] == "ok"
