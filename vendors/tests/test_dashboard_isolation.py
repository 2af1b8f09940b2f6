"""Vendor A must never reach vendor B's products, stock, orders, lines, profile or imports."""

import pytest
from django.urls import reverse

from vendors.models import ProductImport, VendorProfile
from vendors.tests.conftest import VALID_CVRS, make_order, make_product, make_vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vendor_a, vendor_b):
    """A and B each have a product; one order holds both, another only B's."""
    product_a = make_product(vendor_a, title="Apple juice from A", sku="A-1", price="40.00")
    product_b = make_product(vendor_b, title="Bread from B", sku="B-1", price="123.45")
    mixed = make_order(product_a, product_b)
    only_b = make_order(product_b)
    import_b = ProductImport.objects.create(
        partner=vendor_b.partner, created_by=vendor_b.user, filename="b.csv", rows=[{"sku": "B-2"}]
    )
    return {
        "product_a": product_a,
        "product_b": product_b,
        "mixed": mixed,
        "only_b": only_b,
        "line_b": mixed.lines.get(partner=vendor_b.partner),
        "line_a": mixed.lines.get(partner=vendor_a.partner),
        "import_b": import_b,
        "vendor_b": vendor_b,
    }


def b_object_urls(w):
    """Every dashboard URL that takes the id of one of B's objects."""
    b = w["vendor_b"]
    return [
        reverse("dashboard:catalogue-product", kwargs={"pk": w["product_b"].pk}),
        reverse("dashboard:catalogue-product-delete", kwargs={"pk": w["product_b"].pk}),
        reverse("dashboard:catalogue-product-create-child", kwargs={"parent_pk": w["product_b"].pk}),
        reverse("dashboard:order-detail", kwargs={"number": w["only_b"].number}),
        reverse("dashboard:order-shipping-address", kwargs={"number": w["only_b"].number}),
        reverse(
            "dashboard:order-line-detail", kwargs={"number": w["mixed"].number, "line_id": w["line_b"].pk}
        ),
        reverse(
            "dashboard:order-line-detail",
            kwargs={"number": w["only_b"].number, "line_id": w["only_b"].lines.first().pk},
        ),
        reverse("dashboard:partner-manage", kwargs={"pk": b.partner.pk}),
        reverse("dashboard:partner-delete", kwargs={"pk": b.partner.pk}),
        reverse("vendor_dashboard:vendor-detail", kwargs={"pk": b.pk}),
        reverse("vendor_dashboard:vendor-decision", kwargs={"pk": b.pk}),
        reverse("vendor_dashboard:product-approve", kwargs={"pk": w["product_b"].pk}),
        reverse("vendor_dashboard:import-preview", kwargs={"pk": w["import_b"].pk}),
    ]


def test_vendor_gets_403_or_404_for_every_url_with_another_vendors_object_on_get_and_post(client_a, world):
    for url in b_object_urls(world):
        get = client_a.get(url)
        post = client_a.post(url, {"action": "approve", "title": "hijacked", "reason": "x"})

        assert get.status_code in (403, 404), (url, get.status_code)
        assert post.status_code in (403, 404), (url, post.status_code)

    world["product_b"].refresh_from_db()
    world["import_b"].refresh_from_db()
    assert world["product_b"].title == "Bread from B"
    assert world["import_b"].status == ProductImport.Status.PREVIEW
    assert world["vendor_b"].partner.users.count() == 1


def test_vendor_cannot_change_another_vendors_line_status_through_a_shared_order(client_a, world):
    url = reverse("dashboard:order-detail", kwargs={"number": world["mixed"].number})
    line_b = world["line_b"]

    response = client_a.post(
        url,
        {
            "line_action": "change_line_statuses",
            "new_status": "Accepted",
            "selected_line": [line_b.pk],
            f"selected_line_qty_{line_b.pk}": line_b.quantity,
        },
    )

    assert response.status_code == 404
    line_b.refresh_from_db()
    assert line_b.status == "Pending"


def test_vendor_can_change_its_own_line_status(client_a, world):
    url = reverse("dashboard:order-detail", kwargs={"number": world["mixed"].number})
    line_a = world["line_a"]

    response = client_a.post(
        url,
        {
            "line_action": "change_line_statuses",
            "new_status": "Accepted",
            "selected_line": [line_a.pk],
            f"selected_line_qty_{line_a.pk}": line_a.quantity,
        },
    )

    assert response.status_code == 302
    line_a.refresh_from_db()
    assert line_a.status == "Accepted"


def test_vendor_cannot_change_order_status_or_add_notes(client_a, world):
    url = reverse("dashboard:order-detail", kwargs={"number": world["mixed"].number})

    status = client_a.post(url, {"order_action": "change_order_status", "new_status": "Cancelled"})
    note = client_a.post(url, {"order_action": "save_note", "message": "hello"})

    assert status.status_code == 403
    assert note.status_code == 403
    world["mixed"].refresh_from_db()
    assert world["mixed"].status == "Pending"
    assert not world["mixed"].notes.exists()


def test_vendors_order_detail_lists_only_its_own_lines_and_no_customer_or_other_prices(client_a, world):
    mixed = world["mixed"]

    response = client_a.get(reverse("dashboard:order-detail", kwargs={"number": mixed.number}))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Apple juice from A" in html
    assert "Bread from B" not in html
    assert "B-1" not in html
    assert "123,45" not in html and "246,90" not in html
    assert str(mixed.total_incl_tax).replace(".", ",") not in html
    assert html.count('class="vendor-order-line"') == 1


def test_vendor_order_list_shows_shared_order_but_not_other_vendors_only_order(client_a, world):
    response = client_a.get(reverse("dashboard:order-list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("dashboard:order-detail", kwargs={"number": world["mixed"].number}) in html
    assert reverse("dashboard:order-detail", kwargs={"number": world["only_b"].number}) not in html


def test_vendor_cannot_download_order_csv_or_run_bulk_order_actions(client_a, world):
    url = reverse("dashboard:order-list")

    csv = client_a.get(url, {"response_format": "csv"})
    bulk = client_a.post(
        url,
        {"action": "change_order_statuses", "selected_order": [world["mixed"].pk], "new_status": "Cancelled"},
    )

    assert csv.status_code == 403
    assert bulk.status_code == 403


def test_vendor_product_list_shows_only_own_products(client_a, world):
    response = client_a.get(reverse("dashboard:catalogue-product-list"))

    html = response.content.decode()
    assert "Apple juice from A" in html
    assert "Bread from B" not in html


def test_vendor_cannot_edit_another_vendors_stock_record_through_own_product_form(client_a, world):
    """Stock records have no URL of their own: they are edited in the product form's formset."""
    from oscar.core.loading import get_class

    product_a, record_b = world["product_a"], world["product_b"].stockrecords.get()
    formset_class = get_class("dashboard.catalogue.formsets", "StockRecordFormSet")
    prefix = formset_class(product_a.product_class, client_a_user(world), instance=product_a).prefix

    data = product_form_data(product_a, title="Apple juice from A")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(record_b.pk),
            f"{prefix}-0-partner": str(world["vendor_b"].partner.pk),
            f"{prefix}-0-partner_sku": "B-1",
            f"{prefix}-0-price_currency": "DKK",
            f"{prefix}-0-price": "1.00",
            f"{prefix}-0-num_in_stock": "0",
        }
    )
    client_a.post(reverse("dashboard:catalogue-product", kwargs={"pk": product_a.pk}), data)

    record_b.refresh_from_db()
    assert record_b.price == world["product_b"].stockrecords.get().price
    assert str(record_b.price) == "123.45"
    assert record_b.num_in_stock == 20


def client_a_user(world):
    return VendorProfile.objects.get(slug="vendor-a").partner.users.get()


def product_form_data(product, **fields):
    """The product form's own fields, one category and empty image/recommendation formsets."""
    from oscar.core.loading import get_class, get_model

    data = {"title": product.title, "description": "", "structure": "standalone", **fields}
    for name in ("ProductCategoryFormSet", "ProductImageFormSet", "ProductRecommendationFormSet"):
        formset_class = get_class("dashboard.catalogue.formsets", name)
        prefix = formset_class.get_default_prefix()
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        if name == "ProductCategoryFormSet":
            category = get_model("catalogue", "Category").objects.get(name="Spisekammer")
            data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-0-category": str(category.pk)})
    return data


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_users_of_vendors_that_are_not_approved_have_no_dashboard(client, catalogue_base, status):
    vendor = make_vendor(f"x-{status}", cvr=VALID_CVRS[2], status=status)
    client.force_login(vendor.user)

    for name in (
        "dashboard:index",
        "dashboard:catalogue-product-list",
        "dashboard:order-list",
        "vendor_dashboard:profile",
        "vendor_dashboard:import-upload",
    ):
        response = client.get(reverse(name))

        assert response.status_code == 403, (name, response.status_code)
    assert not vendor.user.has_perm("partner.dashboard_access")


def test_vendor_start_page_shows_own_figures_not_the_whole_stores(client_a, world):
    response = client_a.get(reverse("dashboard:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vendor a" in html
    assert "Apple juice from A" in html
    assert "Bread from B" not in html
    assert "80.00" in html.replace(",", ".")  # A's line: 2 x 40.00 excl. VAT
    assert "246.90" not in html.replace(",", ".")


def test_vendor_does_not_see_bulk_actions_and_cannot_publish_in_bulk(client_a, staff_client, world):
    hidden = world["product_a"]
    hidden.is_public = False
    hidden.save()

    page = client_a.get(reverse("dashboard:catalogue-product-list")).content.decode()
    response = client_a.post(
        reverse("dashboard:catalogue-product-bulk-action"),
        {"action": "make_public", "selected_product": [hidden.pk]},
    )

    assert "Bulk Actions" not in page
    assert "Bulk Actions" in staff_client.get(reverse("dashboard:catalogue-product-list")).content.decode()
    assert response.status_code == 403
    hidden.refresh_from_db()
    assert not hidden.is_public
