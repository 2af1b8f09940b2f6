"""Writes about vendors: onboarding, approval, suspension, product approval and bulk import.

Every state change locks the vendor row and is a no-op when repeated.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.csv_export import csv_bytes
from marketplace.danish_identifiers import cvr_compact, validate_cvr
from marketplace.errors import RuleViolation
from marketplace.money import danish_price_parse
from marketplace.site_url import site_url
from marketplace.vendor_html import vendor_text_clean
from vendors.models import ProductImport, VendorProfile
from vendors.selectors import approval_required

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")

if TYPE_CHECKING:  # StockRecord above is get_model's; typed by Oscar's abstract model (no import of the fork)
    from oscar.apps.partner.abstract_models import AbstractStockRecord as StockRecordModel
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")


class VendorStateError(RuleViolation):
    """The requested change does not fit the vendor's current status."""


# --- CVR ------------------------------------------------------------------------


def cvr_normalise(value: str) -> str:
    """Return the CVR number as 8 digits, or raise the model's ValidationError saying what is wrong."""
    number = cvr_compact(value)
    validate_cvr(number)
    return number


# --- Onboarding -----------------------------------------------------------------


def _unique_slug(base: str, *, model, field_name: str) -> str:
    base = slugify(base)[:100] or "vendor"
    slug, n = base, 2
    while model.objects.filter(**{field_name: slug}).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _mail(*, template: str, to: str, context: dict) -> None:
    """Send a plain-text e-mail after the transaction commits, in Danish first."""

    def send():
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string(f"vendors/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"vendors/email/{template}_body.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])

    transaction.on_commit(send)


def _dashboard_url() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return site_url(reverse("dashboard:index"))


@transaction.atomic
def vendor_apply(
    *,
    user=None,
    email: str,
    password: str = "",
    first_name: str = "",
    last_name: str = "",
    name: str,
    legal_name: str,
    cvr: str,
    is_rsov: bool = False,
    rsov_reference: str = "",
    mission: str = "",
    impact_text: str = "",
    contact_phone: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
) -> VendorProfile:
    """Create an applied vendor (a Partner with no users yet) and, if needed, its user."""
    cvr = cvr_normalise(cvr)
    User = get_user_model()
    if user is None:
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail already exists: log in first."))
        user = User(username=email[:150], email=email, first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.save()
    partner = Partner.objects.create(name=name, code=_unique_slug(name, model=Partner, field_name="code"))
    vendor = VendorProfile.objects.create(
        partner=partner,
        slug=_unique_slug(name, model=VendorProfile, field_name="slug"),
        legal_name=legal_name,
        cvr=cvr,
        is_rsov=is_rsov,
        rsov_reference=rsov_reference,
        mission=mission,
        impact_text=impact_text,
        contact_email=email,
        contact_phone=contact_phone,
        street=street,
        postcode=postcode,
        city=city,
        status=VendorProfile.Status.APPLIED,
        applicant=user,
    )
    _mail(template="application_received", to=email, context={"vendor": vendor})
    return vendor


def _dashboard_permission() -> Permission:
    return Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")


def _lock(vendor: VendorProfile) -> VendorProfile:
    return VendorProfile.objects.select_for_update().select_related("partner").get(pk=vendor.pk)


@transaction.atomic
def vendor_approve(*, vendor: VendorProfile) -> VendorProfile:
    """Link the applicant to the Partner and give its users the dashboard; e-mail them.

    Also reinstates a suspended vendor. Approving an approved vendor changes nothing.
    """
    vendor = _lock(vendor)
    if vendor.status == VendorProfile.Status.APPROVED:
        return vendor
    if vendor.status == VendorProfile.Status.REJECTED:
        raise VendorStateError(_("A rejected application cannot be approved; ask the vendor to apply again."))
    if vendor.applicant_id:
        vendor.partner.users.add(vendor.applicant_id)
    permission = _dashboard_permission()
    for user in vendor.partner.users.all():
        user.user_permissions.add(permission)
    vendor.status = VendorProfile.Status.APPROVED
    vendor.rejection_reason = ""
    vendor.save(update_fields=["status", "rejection_reason", "updated_at"])
    _mail(
        template="approved",
        to=vendor.contact_email,
        context={"vendor": vendor, "dashboard_url": _dashboard_url()},
    )
    return vendor


@transaction.atomic
def vendor_reject(*, vendor: VendorProfile, reason: str) -> VendorProfile:
    """Turn an application down and tell the applicant why."""
    vendor = _lock(vendor)
    if vendor.status == VendorProfile.Status.REJECTED:
        return vendor
    if vendor.status != VendorProfile.Status.APPLIED:
        raise VendorStateError(_("Only an application can be rejected; suspend an approved vendor instead."))
    vendor.status = VendorProfile.Status.REJECTED
    vendor.rejection_reason = reason
    vendor.save(update_fields=["status", "rejection_reason", "updated_at"])
    _mail(template="rejected", to=vendor.contact_email, context={"vendor": vendor, "reason": reason})
    return vendor


def _revoke_dashboard_access(vendor: VendorProfile) -> None:
    """Take the dashboard from the vendor's users, unless another approved vendor still needs it."""
    permission = _dashboard_permission()
    for user in vendor.partner.users.all():
        keeps = (
            VendorProfile.objects.filter(partner__users=user, status=VendorProfile.Status.APPROVED)
            .exclude(pk=vendor.pk)
            .exists()
        )
        if not keeps:
            user.user_permissions.remove(permission)


@transaction.atomic
def vendor_suspend(*, vendor: VendorProfile, reason: str = "") -> VendorProfile:
    """Close the vendor's dashboard; the storefront stops showing and selling its products."""
    vendor = _lock(vendor)
    if vendor.status == VendorProfile.Status.SUSPENDED:
        return vendor
    if vendor.status != VendorProfile.Status.APPROVED:
        raise VendorStateError(_("Only an approved vendor can be suspended."))
    _revoke_dashboard_access(vendor)
    vendor.status = VendorProfile.Status.SUSPENDED
    vendor.rejection_reason = reason
    vendor.save(update_fields=["status", "rejection_reason", "updated_at"])
    _mail(template="suspended", to=vendor.contact_email, context={"vendor": vendor, "reason": reason})
    return vendor


# --- Products -------------------------------------------------------------------


@transaction.atomic
def product_approve(*, product) -> None:
    """Make a vendor's new product visible in the storefront."""
    Product.objects.filter(pk=product.pk, is_public=False).update(is_public=True)


@transaction.atomic
def product_requeue_after_vendor_edit(
    *, product, old_title: str, old_description: str, images_changed: bool = False
) -> bool:
    """A vendor changed what buyers see on a public product: hide it until staff approve it again.

    Called with the product as saved and its title/description before the edit.
    Returns True when the product went back to the staff approval queue.
    """
    if not approval_required() or not product.is_public:
        return False
    if not (images_changed or product.title != old_title or product.description != old_description):
        return False
    product.is_public = False
    product.save(update_fields=["is_public"])  # a save, so the storefront cache hears of it
    return True


# --- Offers of products already in the shop ("we make this too") ----------------


class OfferError(ValidationError, RuleViolation):
    """An offer that cannot be made or changed as asked; the message says why."""


def _offer_price(price) -> Decimal:
    if price is None or not Decimal(price).is_finite() or Decimal(price) <= 0:
        raise OfferError(_("The price must be greater than 0."), code="price")
    if Decimal(price) >= Decimal("1000000"):
        raise OfferError(_("The price must be less than 1,000,000 kr."), code="price")
    return Decimal(price).quantize(Decimal("0.01"))


@transaction.atomic
def offer_create(
    *, vendor: VendorProfile, product, partner_sku: str, price_excl_tax: Decimal, num_in_stock: int
) -> "StockRecordModel":
    """The vendor offers a product that is already in the shop, with its own SKU, price and stock.

    The offer waits for staff approval when VENDOR_PRODUCT_APPROVAL_REQUIRED is
    on, like a new product; until then buyers neither see nor buy it.
    """
    from vendors.selectors import product_queryset_for_storefront

    partner_sku = (partner_sku or "").strip()
    if not partner_sku:
        raise OfferError(_("Give your own SKU (item number) for this product."), code="sku")
    if num_in_stock is None or num_in_stock < 0:
        raise OfferError(_("Stock must be 0 or more."), code="stock")
    price = _offer_price(price_excl_tax)
    if not product_queryset_for_storefront().filter(pk=product.pk).exists():
        raise OfferError(_("Only products that are for sale in the shop can be offered."), code="product")
    Partner.objects.select_for_update().filter(pk=vendor.partner_id).first()
    if StockRecord.objects.filter(partner=vendor.partner_id, product=product).exists():
        raise OfferError(_("You already offer this product."), code="duplicate")
    if StockRecord.objects.filter(partner=vendor.partner_id, partner_sku=partner_sku).exists():
        raise OfferError(
            _("You already use the SKU “%(sku)s” for another product.") % {"sku": partner_sku}, code="sku"
        )
    return StockRecord.objects.create(
        partner=vendor.partner,
        product=product,
        partner_sku=partner_sku,
        price=price,
        price_currency="DKK",
        num_in_stock=num_in_stock,
        offer_status=(
            StockRecord.OfferStatus.PENDING if approval_required() else StockRecord.OfferStatus.APPROVED
        ),
    )


@transaction.atomic
def offer_approve(*, stockrecord) -> "StockRecordModel":
    """Staff let a pending offer be shown and sold. Approving twice changes nothing."""
    record = StockRecord.objects.select_for_update().get(pk=stockrecord.pk)
    if record.offer_status != StockRecord.OfferStatus.APPROVED:
        record.offer_status = StockRecord.OfferStatus.APPROVED
        record.offer_rejection_reason = ""
        record.save(update_fields=["offer_status", "offer_rejection_reason", "date_updated"])
    return record


@transaction.atomic
def offer_reject(*, stockrecord, reason: str) -> "StockRecordModel":
    """Staff turn a pending offer down with a reason the vendor sees in its dashboard."""
    if not (reason or "").strip():
        raise OfferError(_("Give a reason: the vendor is told why."), code="reason")
    record = StockRecord.objects.select_for_update().get(pk=stockrecord.pk)
    if record.offer_status == StockRecord.OfferStatus.APPROVED:
        raise OfferError(_("An approved offer cannot be rejected."), code="state")
    record.offer_status = StockRecord.OfferStatus.REJECTED
    record.offer_rejection_reason = reason.strip()
    record.save(update_fields=["offer_status", "offer_rejection_reason", "date_updated"])
    return record


# --- Bulk import ----------------------------------------------------------------

REQUIRED_COLUMNS = ("sku", "title", "product_class", "category", "stock")
PRICE_COLUMNS = ("price_excl_vat", "price_incl_vat")
OPTIONAL_COLUMNS = ("description", "allergens", "contents")
TEMPLATE_COLUMNS = (
    "sku",
    "title",
    "description",
    "product_class",
    "category",
    "price_excl_vat",
    "stock",
    "allergens",
    "contents",
)
TEMPLATE_EXAMPLE = (
    "EX-001",
    "Æblemost 75 cl",
    "Presset af danske æbler.",
    "Fødevare",
    "Vin og most",
    "36.00",
    "50",
    "",
    "Æblesaft",
)


STOCK_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL
FIELD_MAX_CHARS = 10_000  # no product text needs more; csv's own limit is 131,072


class ImportFileError(RuleViolation):
    """The file as a whole cannot be read: nothing is stored."""


@dataclass
class ImportRow:
    number: int
    values: dict
    action: str = ""
    errors: list[str] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_decode(data: bytes) -> tuple[str, str]:
    """UTF-8 when it is valid UTF-8, else Windows-1252 (what Danish Excel's semicolon CSV writes)."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ImportFileError(
            _("The CSV file's characters cannot be read: save it as UTF-8 or as Excel CSV.")
        )


def _read_csv(data: bytes, *, limit: int):
    """Rows of the CSV, read lazily; stops one row past `limit` so a row bomb costs nothing."""
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a CSV file. Upload a .csv or .xlsx file."))
    text, encoding = _csv_decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            if any(c.strip() for c in row):
                rows.append([_cell(c) for c in row])
            if len(rows) > limit:
                break
    except csv.Error:
        raise ImportFileError(
            _("A field in the CSV file is too long or badly quoted (row %(row)s).") % {"row": len(rows) + 1}
        )
    return rows, encoding


def _xlsx_cell(cell) -> str:
    """A cell as the vendor sees it: an SKU formatted "00000" keeps its leading zeros."""
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", "") or ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        if number_format and set(number_format) == {"0"}:
            return str(int(value)).zfill(len(number_format))
    return _cell(value)


def _read_xlsx(data: bytes, *, limit: int):
    """Rows of the first sheet, streamed; stops one row past `limit` so a row bomb costs nothing."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file."))
    rows = []
    try:
        sheet = workbook.worksheets[0]
        for cells in sheet.iter_rows():
            row = [_xlsx_cell(c) for c in cells]
            if any(row):
                rows.append(row)
            if len(rows) > limit:
                break
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file."))
    finally:
        workbook.close()
    return rows, "Excel"


def product_import_read(*, filename: str, data: bytes) -> list[dict]:
    """Turn an uploaded file into rows keyed by column, or raise ImportFileError."""
    if len(data) > settings.VENDOR_IMPORT_MAX_BYTES:
        raise ImportFileError(
            _("The file is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": len(data) // 1024, "limit": settings.VENDOR_IMPORT_MAX_BYTES // 1024}
        )
    name = filename.lower()
    limit = settings.VENDOR_IMPORT_MAX_ROWS + 1  # the header and the products
    if name.endswith(".csv"):
        table, _encoding = _read_csv(data, limit=limit)
    elif name.endswith(".xlsx"):
        table, _encoding = _read_xlsx(data, limit=limit)
    else:
        raise ImportFileError(_("Only .csv and .xlsx files can be imported."))
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if not any(c in header for c in PRICE_COLUMNS):
        missing.append(" or ".join(PRICE_COLUMNS))
    if missing:
        raise ImportFileError(
            _("Missing columns: %(missing)s. Download the template to see the expected columns.")
            % {"missing": ", ".join(missing)}
        )
    rows = []
    for cells in table[1:]:
        cells = cells + [""] * (len(header) - len(cells))
        rows.append({column: cells[i] for i, column in enumerate(header) if column})
    if not rows:
        raise ImportFileError(_("The file has a header but no products."))
    if len(rows) > settings.VENDOR_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(max)s products; at most %(max)s can be imported at once.")
            % {"max": settings.VENDOR_IMPORT_MAX_ROWS}
        )
    return rows


def _parse_price(values: dict) -> tuple[Decimal | None, str]:
    """Price excl. VAT from whichever price column is filled in."""
    for column in PRICE_COLUMNS:
        raw = values.get(column, "")
        if not raw:
            continue
        try:
            price = danish_price_parse(raw)
        except ValidationError as error:
            return None, " ".join(error.messages)
        if column == "price_incl_vat":
            price = (price / (1 + settings.VAT_RATE)).quantize(Decimal("0.01"))
        return price, ""
    return None, _("Price is missing.")


def product_import_validate(*, partner, rows: list[dict]) -> list[ImportRow]:
    """Check every row and decide create or update; nothing is written."""
    categories: dict[str, list] = {}
    for category in Category.objects.all():
        categories.setdefault(category.name.lower(), []).append(category)
    classes = {pc.name.lower(): pc for pc in ProductClass.objects.all()}
    existing = set(StockRecord.objects.filter(partner=partner).values_list("partner_sku", flat=True))
    first_seen: dict[str, int] = {}
    results = []
    for index, values in enumerate(rows, start=2):
        row = ImportRow(number=index, values=values)
        sku = values.get("sku", "")
        if not sku:
            row.errors.append(_("SKU is missing."))
        elif len(sku) > 128:
            row.errors.append(_("SKU is longer than 128 characters."))
        elif sku in first_seen:
            row.errors.append(
                _("Duplicate SKU “%(sku)s”: it is also on row %(row)s.")
                % {"sku": sku, "row": first_seen[sku]}
            )
        else:
            first_seen[sku] = index
        title = values.get("title", "")
        if not title:
            row.errors.append(_("Title is missing."))
        elif len(title) > 255:
            row.errors.append(_("Title is longer than 255 characters."))
        if values.get("product_class", "").lower() not in classes:
            row.errors.append(
                _("Unknown product type “%(value)s”: use one of %(choices)s.")
                % {
                    "value": values.get("product_class", ""),
                    "choices": ", ".join(sorted(pc.name for pc in classes.values())),
                }
            )
        matches = categories.get(values.get("category", "").lower(), [])
        if not matches:
            row.errors.append(_("Unknown category “%(value)s”.") % {"value": values.get("category", "")})
        elif len(matches) > 1:
            row.errors.append(_("Category “%(value)s” is ambiguous.") % {"value": values.get("category", "")})
        price, error = _parse_price(values)
        if error:
            row.errors.append(error)
        stock = values.get("stock", "")
        if not (stock.isascii() and stock.isdigit()):
            row.errors.append(_("Stock “%(value)s” must be a whole number, 0 or more.") % {"value": stock})
        elif int(stock) > STOCK_MAX:
            row.errors.append(
                _("Stock “%(value)s” is more than %(max)s.") % {"value": stock, "max": STOCK_MAX}
            )
        for column, text in values.items():
            if len(text) > FIELD_MAX_CHARS:
                row.errors.append(
                    _("Column “%(column)s” has %(n)s characters; at most %(max)s are allowed.")
                    % {"column": column, "n": len(text), "max": FIELD_MAX_CHARS}
                )
        row.action = "update" if sku in existing else "create"
        results.append(row)
    return results


def product_import_preview(*, partner, user, filename: str, data: bytes) -> ProductImport:
    """Read and check an upload and keep it for the vendor to confirm.

    Raises ImportFileError (and stores nothing) when the file cannot be read.
    """
    rows = product_import_read(filename=filename, data=data)
    return ProductImport.objects.create(partner=partner, created_by=user, filename=filename[:255], rows=rows)


class ImportHasErrors(RuleViolation):
    def __init__(self, rows: list[ImportRow]):
        super().__init__(_("The file has errors; nothing was saved."))
        self.rows = rows


def _save_row(*, partner, row: ImportRow, classes: dict, categories: dict, attributes: dict) -> None:
    values = row.values
    price, _error = _parse_price(values)
    product_class = classes[values["product_class"].lower()]
    category = categories[values["category"].lower()]
    record = (
        StockRecord.objects.select_for_update()
        .select_related("product")
        .filter(partner=partner, partner_sku=values["sku"])
        .first()
    )
    if record is None:
        product = Product.objects.create(
            title=values["title"],
            description=values.get("description", ""),
            product_class=product_class,
            is_public=not approval_required(),
        )
        record = StockRecord(
            partner=partner, partner_sku=values["sku"], product=product, price_currency="DKK"
        )
    else:
        product = record.product
        old_title, old_description = product.title, product.description
        product.title = values["title"]
        product.description = values.get("description", "")
        product.product_class = product_class
        product.save()
        product_requeue_after_vendor_edit(
            product=product, old_title=old_title, old_description=old_description
        )
        ProductCategory.objects.filter(product=product).exclude(category=category).delete()
    ProductCategory.objects.get_or_create(product=product, category=category)
    record.price = price
    record.num_in_stock = int(values["stock"])
    record.save()
    for code in OPTIONAL_COLUMNS[1:]:
        attribute = attributes.get((product_class.pk, code))
        if attribute is not None and values.get(code, "") != "":
            attribute.save_value(product, vendor_text_clean(values[code]))


def product_import_confirm(*, product_import: ProductImport) -> ProductImport:
    """Save every row in one transaction, or none when any row has an error.

    The rows are checked again against the catalogue as it is now. Confirming
    an import twice saves it once.
    """
    with transaction.atomic():
        product_import = ProductImport.objects.select_for_update().get(pk=product_import.pk)
        if product_import.status == ProductImport.Status.DONE:
            return product_import
        partner = product_import.partner
        rows = product_import_validate(partner=partner, rows=product_import.rows)
        if any(row.errors for row in rows):
            raise ImportHasErrors(rows)
        classes = {pc.name.lower(): pc for pc in ProductClass.objects.all()}
        categories = {c.name.lower(): c for c in Category.objects.all()}
        attributes = {(a.product_class_id, a.code): a for a in ProductAttribute.objects.all()}
        for row in rows:
            _save_row(partner=partner, row=row, classes=classes, categories=categories, attributes=attributes)
        product_import.created_count = sum(1 for row in rows if row.action == "create")
        product_import.updated_count = sum(1 for row in rows if row.action == "update")
        product_import.status = ProductImport.Status.DONE
        product_import.confirmed_at = timezone.now()
        product_import.save()
    return product_import


def product_import_template_csv() -> bytes:
    return csv_bytes([TEMPLATE_COLUMNS, TEMPLATE_EXAMPLE], delimiter=",")


def product_import_template_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Produkter"
    sheet.append(TEMPLATE_COLUMNS)
    sheet.append(TEMPLATE_EXAMPLE)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
