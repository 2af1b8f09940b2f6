"""seed_demo creates logins whose passwords are public: never under production settings by accident."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent


def test_seed_demo_under_production_settings_refuses_and_creates_no_user(tmp_path):
    # given the real production settings module, with its required secrets set
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "shop.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    # when seed_demo runs without --allow-production
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it stops with a message before touching the database
    assert result.returncode != 0
    assert "--allow-production" in result.stderr
    assert not (tmp_path / "prod.sqlite3").exists() or (tmp_path / "prod.sqlite3").stat().st_size == 0


@pytest.mark.django_db
@override_settings(MARKETPLACE_PRODUCTION=True)
def test_seed_demo_in_production_without_flag_creates_no_superuser():
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_demo")

    assert not get_user_model().objects.filter(is_superuser=True).exists()


@pytest.mark.django_db
@override_settings(MARKETPLACE_PRODUCTION=True)
def test_seed_demo_in_production_with_allow_production_seeds():
    call_command("seed_demo", "--allow-production")

    assert get_user_model().objects.filter(is_superuser=True).exists()
