from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Fælleskurv"

    def ready(self):
        from pathlib import Path

        from django.apps import apps
        from django.conf import settings
        from django.db.models.signals import post_migrate

        from marketplace.site_url import site_sync
        from marketplace.text_folding import text_folding_install

        # "ÆBLE" finds "æblemost" on SQLite too (search and composer use __foldcontains).
        text_folding_install()
        # The Site row follows SITE_DOMAIN, after django.contrib.sites has created its
        # example.com row (this app has no models, so it gets no post_migrate of its own).
        post_migrate.connect(
            site_sync, sender=apps.get_app_config("sites"), dispatch_uid="marketplace-site-sync"
        )

        # The filesystem broker (no REDIS_URL) needs its folders before the
        # first message is sent from the web process or the worker.
        if str(settings.CELERY_BROKER_URL).startswith("filesystem://"):
            for key in ("data_folder_in", "processed_folder", "control_folder"):
                Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key]).mkdir(parents=True, exist_ok=True)
            Path(settings.CELERY_DATA_DIR / "results").mkdir(parents=True, exist_ok=True)
