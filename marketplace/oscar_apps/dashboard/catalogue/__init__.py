default_app_config = "marketplace.oscar_apps.dashboard.catalogue.apps.CatalogueDashboardConfig"
