import oscar.apps.customer.apps as apps


class CustomerConfig(apps.CustomerConfig):
    """Forked for stock alerts on public products only, and safe registration and login."""

    name = "marketplace.oscar_apps.customer"
