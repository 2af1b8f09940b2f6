"""E-mails link absolutely to SITE_DOMAIN and carry no HTML entities in text parts (issue 11 point 14)."""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.site_url import site_url

ROOT = Path(settings.BASE_DIR)


def test_site_url_is_built_from_configuration_not_a_request(settings):
    settings.SITE_DOMAIN, settings.SITE_SCHEME = "faelleskurv.dk", "https"

    assert site_url("/da/dashboard/") == "https://faelleskurv.dk/da/dashboard/"


@pytest.mark.django_db
def test_the_site_row_says_the_configured_domain_and_the_shop_name_after_migrate():
    site = Site.objects.get_current()

    assert (site.domain, site.name) == ("faelleskurv.test", "Fælleskurv")


@pytest.mark.django_db
def test_vendor_approval_mail_links_to_the_dashboard_absolutely(django_capture_on_commit_callbacks):
    from marketplace.demo import seed_base
    from vendors import services
    from vendors.tests.conftest import VALID_CVRS, make_vendor

    seed_base()
    vendor = make_vendor("mail", cvr=VALID_CVRS[2], status="applied")
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_approve(vendor=vendor)

    body = mail.outbox[-1].body
    assert "http://faelleskurv.test/da/dashboard/" in body
    assert "\n/da/dashboard/" not in body


def test_pick_list_subject_shows_an_ampersand_not_an_entity():
    context = {
        "order": SimpleNamespace(number="100042"),
        "vendor_order": SimpleNamespace(partner=SimpleNamespace(name='Bær & Brød "Øst"')),
    }
    with translation.override("da"):
        subject = render_to_string("fulfilment/email/pick_list_subject.txt", context)

    assert 'Bær & Brød "Øst"' in subject
    assert "&amp;" not in subject and "&quot;" not in subject


def _text_mail_templates():
    for path in sorted(ROOT.glob("*/templates/**/*.txt")) + sorted(ROOT.glob("templates/**/*.txt")):
        if ".venv" in path.parts:
            continue
        if "email" in str(path.relative_to(ROOT)) or "emails" in str(path.relative_to(ROOT)):
            yield path


def test_every_text_mail_template_of_the_project_turns_autoescaping_off():
    templates = list(_text_mail_templates())
    assert len(templates) > 10

    missing = [str(p.relative_to(ROOT)) for p in templates if "{% autoescape off %}" not in p.read_text()]

    assert missing == []
