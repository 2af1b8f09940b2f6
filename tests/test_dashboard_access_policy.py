"""One access policy for the project's dashboard pages and their menu entries (issue 12.3).

The settings name pages only (labels, URL names, icons); who may open a page, and so who
sees its menu entry, is said once, by the app config that lists it (`permissions_map`, whose
names are the policies of `vendors.permissions`), and it agrees with the view's own mixin.
"""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vendors.apps import PolicyDashboardConfig
from vendors.permissions import POLICIES, allows, policy_required

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "marketplace" / "settings"
# Enums of Oscar's order statuses that the status pipelines are built from; it imports only Django.
SETTINGS_MAY_IMPORT = {"marketplace.order_status"}


def project_packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py")}


def imported_modules(path: Path) -> set[str]:
    """Absolute names of what a module imports (relative imports resolved against marketplace.settings)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("marketplace.settings." + (node.module or "") if node.level else node.module)
    return names


def test_the_settings_import_no_module_of_the_project_apps():
    """Settings load before the apps: importing app code there (menus' access functions) is what broke."""
    packages = project_packages()
    assert {"vendors", "fulfilment", "procurement", "marketplace"} <= packages

    for path in sorted(SETTINGS_DIR.glob("*.py")):
        wrong = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] in packages
            and not name.startswith("marketplace.settings")
            and name not in SETTINGS_MAY_IMPORT
        }
        assert not wrong, f"{path.name} imports {sorted(wrong)}"
    for name in SETTINGS_MAY_IMPORT:
        leaf = ROOT / (name.replace(".", "/") + ".py")
        assert not {n for n in imported_modules(leaf) if n.split(".")[0] in packages}, name


def test_dashboard_menu_entries_carry_only_labels_url_names_and_icons():
    def keys(entries):
        for entry in entries:
            yield set(entry)
            yield from keys(entry.get("children", []))

    allowed = {"label", "url_name", "icon", "children"}
    assert all(k <= allowed for k in keys(settings.OSCAR_DASHBOARD_NAVIGATION))
    access_fn = settings.OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION
    assert access_fn == "marketplace.oscar_apps.dashboard.nav.default_access_fn"


def policy_configs() -> list[PolicyDashboardConfig]:
    return [c for c in apps.get_app_configs() if isinstance(c, PolicyDashboardConfig)]


def test_the_vendor_fulfilment_and_procurement_dashboards_are_oscar_dashboard_apps():
    assert {c.label for c in policy_configs()} == {"vendors", "fulfilment", "procurement"}


@pytest.mark.parametrize("config", policy_configs(), ids=lambda c: c.label)
def test_every_permission_names_a_policy_and_agrees_with_the_views_own_mixin(config):
    for pattern in config.get_urls():
        permissions = config.get_permissions(pattern.name)
        for names in [permissions, config.get_menu_permissions(pattern.name)]:
            assert all(name in POLICIES for name in names or []), (pattern.name, names)
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            assert permissions == [view_class.policy], (pattern.name, permissions, view_class.policy)


def test_an_unknown_policy_name_fails_loudly_instead_of_letting_anyone_in(django_user_model):
    with pytest.raises(ImproperlyConfigured):
        policy_required(["vendors"])
    with pytest.raises(ImproperlyConfigured):
        allows(django_user_model(is_active=True, is_staff=True), ["is_superuser"])


# Staff's held payouts, the hub's bulk deliveries, a vendor's profile.
GUARDED = [
    "/da/dashboard/vendor-orders/payouts/held/",
    "/da/kommune/leveringer/",
    "/da/dashboard/vendors/profile/",
]


@pytest.mark.parametrize("url", GUARDED)
def test_a_guarded_page_sends_visitors_to_the_login_page_and_refuses_others(client, django_user_model, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{settings.LOGIN_URL}?next={url}"

    client.force_login(django_user_model.objects.create_user(username="someone", email="someone@example.com"))
    assert client.get(url).status_code == 403
