"""Pages for municipal buyers and approvers; thin: selectors read, services write."""

import base64

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.csv_export import csv_writer
from marketplace.site_url import site_url
from vendors.selectors import user_is_hub, user_is_hub_or_staff

from . import selectors, services
from .forms import (
    InvitationForm,
    LanguageForm,
    LocationForm,
    MembershipForm,
    OrderConfirmForm,
    OrderStartForm,
    QuotationSaveForm,
    RejectForm,
)
from .models import BulkOrder, Invitation, Invoice, Membership, Organisation
from .sourcing import bulk_sourcing

DRAFT_KEY = "procurement-draft-{}"


def _organisation(request, slug):
    organisation = selectors.organisation_get_for_user(user=request.user, slug=slug)
    role = selectors.membership_role(user=request.user, organisation=organisation)
    return organisation, role


def _errors(exc) -> list[str]:
    return list(getattr(exc, "messages", [str(exc)]))


def _errors_show(request, exc) -> None:
    """A rule error's messages, each as an error message of its own (a quote's problems one by one)."""
    for error in _errors(exc):
        messages.error(request, error)


def home(request):
    """Members see their organisations; anyone else sees what the service is and how to join."""
    if not request.user.is_authenticated:
        return render(
            request,
            "procurement/info.html",
            {"tiers": selectors.volume_tiers(), "seller": settings.MARKETPLACE_SELLER},
        )
    organisations = list(selectors.organisations_for_user(user=request.user))
    if len(organisations) == 1 and not request.user.is_staff:
        return redirect("procurement:organisation", slug=organisations[0].slug)
    return render(
        request,
        "procurement/home.html",
        {"organisations": organisations, "is_hub": user_is_hub(user=request.user)},
    )


@login_required
def organisation_detail(request, slug):
    organisation, role = _organisation(request, slug)
    membership = Membership.objects.filter(organisation=organisation, user=request.user).first()
    orders = organisation.bulk_orders.select_related("location", "order").prefetch_related("invoices")
    invoices = Invoice.objects.filter(bulk_order__organisation=organisation).select_related("bulk_order")
    return render(
        request,
        "procurement/organisation.html",
        {
            "organisation": organisation,
            "role": role,
            "orders": orders,
            "invoices": invoices,
            "quotations": organisation.quotations.prefetch_related("bulk_orders")[:20],
            "membership": membership,
            "language_form": LanguageForm(initial={"language": membership.language}) if membership else None,
            "today": timezone.localdate(),
            "tiers": selectors.volume_tiers(),
            "can_manage": selectors.membership_can_manage(user=request.user, organisation=organisation),
        },
    )


@login_required
@require_POST
def membership_language(request, slug):
    """A member chooses the language of the e-mails about their orders and approvals."""
    organisation, _role = _organisation(request, slug)
    membership = get_object_or_404(Membership, organisation=organisation, user=request.user)
    form = LanguageForm(request.POST)
    if form.is_valid():
        services.membership_language_set(membership=membership, language=form.cleaned_data["language"])
        with translation.override(membership.language):
            messages.success(
                request,
                _("Language of your e-mails: %(language)s.")
                % {"language": dict(settings.LANGUAGES)[membership.language]},
            )
    else:
        messages.error(request, _("Choose a language."))
    return redirect("procurement:organisation", slug=organisation.slug)


@login_required
def order_start(request, slug):
    organisation, role = _organisation(request, slug)
    form = OrderStartForm(request.POST or None, request.FILES or None, user=request.user)
    rows = None
    if request.method == "POST":
        valid = form.is_valid()
        rows = form.rows
        if valid:
            design = form.cleaned_data["design"]
            designs = {d.slug: d.pk for d in form.fields["design"].queryset if d.slug}
            if form.cleaned_data["mode"] == form.MODE_SINGLE:
                recipients = [
                    services.RecipientData(
                        name=form.cleaned_data["name"],
                        street=form.cleaned_data["street"],
                        postcode=form.cleaned_data["postcode"],
                        city=form.cleaned_data["city"],
                        message=form.cleaned_data["message"],
                        design_id=design.pk,
                        quantity=form.cleaned_data["quantity"],
                    )
                ]
            else:
                recipients = [
                    services.RecipientData(
                        name=row.name,
                        attention=row.attention,
                        street=row.street,
                        postcode=row.postcode,
                        city=row.city,
                        phone=row.phone,
                        email=row.email,
                        message=row.message,
                        design_id=designs.get(row.basket, design.pk),
                        quantity=row.quantity,
                    )
                    for row in rows
                ]
            draft = services.BulkOrderDraft(
                recipients=recipients, requested_delivery_date=form.cleaned_data["requested_delivery_date"]
            )
            request.session[DRAFT_KEY.format(organisation.pk)] = draft.as_session()
            if rows is None:
                return redirect("procurement:order-quote", slug=organisation.slug)
    return render(
        request,
        "procurement/order_start.html",
        {
            "organisation": organisation,
            "role": role,
            "form": form,
            "rows": rows,
            "error_rows": [row for row in rows if row.errors] if rows else [],
            "warning_rows": [row for row in rows if row.warnings] if rows else [],
            "error_report": base64.b64encode(form.error_report).decode() if form.error_report else "",
            "tiers": selectors.volume_tiers(),
            "preview_ok": rows is not None and not form.errors,
        },
    )


@login_required
def order_quote(request, slug):
    organisation, role = _organisation(request, slug)
    data = request.session.get(DRAFT_KEY.format(organisation.pk))
    if not data:
        messages.info(request, _("Start by choosing a basket and the recipients."))
        return redirect("procurement:order-start", slug=organisation.slug)
    draft = services.BulkOrderDraft.from_session(data)
    quote = selectors.bulk_quote(design_counts=draft.design_counts)
    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date
    )
    form = OrderConfirmForm(request.POST or None, organisation=organisation)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            bulk_order = services.bulk_order_create(
                organisation=organisation,
                user=request.user,
                draft=draft,
                base_url=site_url(),
                **{k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate_po"},
            )
        except services.ProcurementError as exc:
            errors = _errors(exc)
        else:
            del request.session[DRAFT_KEY.format(organisation.pk)]
            if bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL:
                messages.success(
                    request, _("Thank you. The order is above your limit and awaits an approver.")
                )
                if not selectors.bulk_order_other_approver_exists(bulk_order=bulk_order):
                    messages.warning(
                        request,
                        _(
                            "You are the organisation's only approver, and nobody approves their own order. "
                            "The marketplace staff have been told and will decide on it."
                        ),
                    )
            else:
                messages.success(
                    request, _("Thank you. The order is placed; the invoice follows by e-invoice.")
                )
            return redirect("procurement:order-detail", slug=organisation.slug, pk=bulk_order.pk)
    return render(
        request,
        "procurement/quote.html",
        {
            "organisation": organisation,
            "role": role,
            "quote": quote,
            "sourcing": sourcing,
            "shortfall_text": "" if sourcing.feasible else services.sourcing_shortfall_text(sourcing),
            "earliest_delivery": max(sourcing.earliest_delivery, selectors.earliest_delivery_date())
            if sourcing.earliest_delivery
            else None,
            "draft": draft,
            "form": form,
            "errors": errors,
            "needs_approval": quote.total_incl_tax > organisation.approval_limit,
            "seller": settings.MARKETPLACE_SELLER,
            "save_form": QuotationSaveForm(organisation=organisation),
            "quote_valid_days": settings.PROCUREMENT_QUOTE_VALID_DAYS,
        },
    )


@login_required
@require_POST
def order_quote_save(request, slug):
    """Save the quote on screen as a numbered document the buyer can print, download and order later."""
    organisation, role = _organisation(request, slug)
    data = request.session.get(DRAFT_KEY.format(organisation.pk))
    if not data or not role:
        return redirect("procurement:order-start", slug=organisation.slug)
    form = QuotationSaveForm(request.POST, organisation=organisation)
    location = form.cleaned_data["location"] if form.is_valid() else None
    try:
        quotation = services.quotation_create(
            organisation=organisation,
            user=request.user,
            draft=services.BulkOrderDraft.from_session(data),
            location=location,
        )
    except services.ProcurementError as exc:
        _errors_show(request, exc)
        return redirect("procurement:order-quote", slug=organisation.slug)
    messages.success(
        request,
        _("Quote %(number)s is saved, valid until %(date)s.")
        % {"number": quotation.number, "date": quotation.valid_until.strftime("%d.%m.%Y")},
    )
    return redirect("procurement:quotation-detail", slug=organisation.slug, pk=quotation.pk)


def _quotation_context(quotation):
    return {
        "quotation": quotation,
        "lines": quotation.lines.all(),
        "seller": settings.MARKETPLACE_SELLER,
        "organisation": quotation.organisation,
    }


@login_required
def quotation_detail(request, slug, pk):
    """The saved quote as a document; a member can order it while it is valid, or ask for a new one."""
    organisation, role = _organisation(request, slug)
    quotation = selectors.quotation_get(organisation=organisation, pk=pk)
    ordered = quotation.bulk_orders.first()
    form = OrderConfirmForm(
        request.POST or None,
        organisation=organisation,
        initial={"location": quotation.location_id} if quotation.location_id else None,
    )
    errors, requote = [], False
    if request.method == "POST" and role and form.is_valid():
        try:
            bulk_order = services.bulk_order_create_from_quotation(
                quotation=quotation,
                user=request.user,
                base_url=site_url(),
                **{k: v for k, v in form.cleaned_data.items() if k != "confirm_duplicate_po"},
            )
        except (services.QuotationExpired, services.QuotationOutdated) as exc:
            errors, requote = _errors(exc), True
        except services.ProcurementError as exc:
            errors = _errors(exc)
        else:
            if bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL:
                messages.success(
                    request, _("Thank you. The order is above your limit and awaits an approver.")
                )
            else:
                messages.success(
                    request, _("Thank you. The order is placed; the invoice follows by e-invoice.")
                )
            return redirect("procurement:order-detail", slug=organisation.slug, pk=bulk_order.pk)
    expired = quotation.is_expired()
    return render(
        request,
        "procurement/quotation.html",
        {
            **_quotation_context(quotation),
            "role": role,
            "form": form,
            "errors": errors,
            "expired": expired,
            "ordered": ordered,
            "can_order": bool(role) and not expired and ordered is None and bool(quotation.draft),
            "can_requote": bool(role) and ordered is None and bool(quotation.draft) and (expired or requote),
            "needs_approval": quotation.total_incl_tax > organisation.approval_limit,
        },
    )


@login_required
def quotation_pdf(request, slug, pk):
    from .pdf import quotation_pdf as render_pdf

    organisation, _role = _organisation(request, slug)
    quotation = selectors.quotation_get(organisation=organisation, pk=pk)
    pdf = render_pdf(quotation=quotation, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tilbud-{quotation.number}.pdf"'
    return response


@login_required
@require_POST
def quotation_requote(request, slug, pk):
    """A fresh quote for the same recipients at today's prices; when it cannot be supplied, the live quote."""
    organisation, role = _organisation(request, slug)
    quotation = selectors.quotation_get(organisation=organisation, pk=pk)
    if not role:
        raise PermissionDenied
    try:
        fresh = services.quotation_requote(quotation=quotation, user=request.user)
    except services.ProcurementError as exc:
        _errors_show(request, exc)
        if quotation.draft:
            request.session[DRAFT_KEY.format(organisation.pk)] = quotation.draft
            return redirect("procurement:order-quote", slug=organisation.slug)
        return redirect("procurement:quotation-detail", slug=organisation.slug, pk=quotation.pk)
    messages.success(
        request,
        _("New quote %(number)s at today's prices, valid until %(date)s (it replaces %(old)s).")
        % {"number": fresh.number, "date": fresh.valid_until.strftime("%d.%m.%Y"), "old": quotation.number},
    )
    return redirect("procurement:quotation-detail", slug=organisation.slug, pk=fresh.pk)


@login_required
@require_POST
def order_quote_adjust(request, slug):
    """The buyer takes one of the quote's ways out: fewer baskets by the date, or all of them later."""
    organisation, _role = _organisation(request, slug)
    data = request.session.get(DRAFT_KEY.format(organisation.pk))
    if not data:
        return redirect("procurement:order-start", slug=organisation.slug)
    draft = services.BulkOrderDraft.from_session(data)
    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date
    )
    choice = request.POST.get("choice")
    if sourcing.feasible:
        messages.info(request, _("The order can be supplied as it is."))
    elif choice == "date" and sourcing.earliest_delivery:
        day = max(sourcing.earliest_delivery, selectors.earliest_delivery_date())
        draft = services.BulkOrderDraft(recipients=draft.recipients, requested_delivery_date=day)
        messages.success(
            request,
            _("The delivery date is now %(date)s: all baskets can be had by then.")
            % {"date": day.strftime("%d.%m.%Y")},
        )
    elif choice == "quantity" and sourcing.largest_baskets > 0:
        kept, dropped = services.recipients_limit(draft.recipients, sourcing.largest_counts)
        draft = services.BulkOrderDraft(
            recipients=kept, requested_delivery_date=draft.requested_delivery_date
        )
        messages.success(
            request,
            _(
                "The order now has %(baskets)d baskets for %(kept)d recipients; %(dropped)d recipients "
                "were left out (they are still in your file, order them later)."
            )
            % {"baskets": sum(r.quantity for r in kept), "kept": len(kept), "dropped": dropped},
        )
    else:
        messages.error(request, _("Choose fewer baskets or a later date."))
    request.session[DRAFT_KEY.format(organisation.pk)] = draft.as_session()
    return redirect("procurement:order-quote", slug=organisation.slug)


@login_required
def order_detail(request, slug, pk):
    organisation, role = _organisation(request, slug)
    bulk_order = selectors.bulk_order_get(organisation=organisation, pk=pk, with_lines=True)
    return render(
        request,
        "procurement/order_detail.html",
        {
            "organisation": organisation,
            "role": role,
            "bulk_order": bulk_order,
            "invoices": bulk_order.invoices.order_by("number"),
            "reject_form": RejectForm(),
            "can_decide": role == Membership.Role.APPROVER and bulk_order.created_by_id != request.user.pk,
            "own_order": bulk_order.created_by_id == request.user.pk,
            "recipient_count": bulk_order.recipients.count(),
        },
    )


def _decide(request, slug, pk, action):
    organisation, role = _organisation(request, slug)
    bulk_order = selectors.bulk_order_get(organisation=organisation, pk=pk)
    if role != Membership.Role.APPROVER:
        raise PermissionDenied
    try:
        action(bulk_order)
    except services.ProcurementError as exc:
        _errors_show(request, exc)
    return redirect("procurement:order-detail", slug=organisation.slug, pk=bulk_order.pk)


@login_required
@require_POST
def order_approve(request, slug, pk):
    def approve(bulk_order):
        services.bulk_order_approve(bulk_order=bulk_order, user=request.user)
        messages.success(request, _("The order is approved and placed."))

    return _decide(request, slug, pk, approve)


@login_required
@require_POST
def order_reject(request, slug, pk):
    def reject(bulk_order):
        form = RejectForm(request.POST)
        if not form.is_valid():
            raise services.ProcurementError(_("Say why the order is rejected."))
        services.bulk_order_reject(
            bulk_order=bulk_order, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The order is rejected; the buyer has been told why."))

    return _decide(request, slug, pk, reject)


@login_required
@require_POST
def order_withdraw(request, slug, pk):
    organisation, _role = _organisation(request, slug)
    bulk_order = selectors.bulk_order_get(organisation=organisation, pk=pk)
    try:
        services.bulk_order_withdraw(bulk_order=bulk_order, user=request.user)
    except services.ProcurementError as exc:
        _errors_show(request, exc)
    else:
        messages.success(request, _("The order is withdrawn. Nothing has been placed or invoiced."))
    return redirect("procurement:order-detail", slug=organisation.slug, pk=bulk_order.pk)


@login_required
@require_POST
def order_cancel(request, slug, pk):
    def cancel(bulk_order):
        services.bulk_order_cancel(bulk_order=bulk_order, user=request.user)
        messages.success(request, _("The order is cancelled."))

    return _decide(request, slug, pk, cancel)


@staff_member_required
@require_POST
def order_delivered(request, slug, pk):
    organisation, _role = _organisation(request, slug)
    bulk_order = selectors.bulk_order_get(organisation=organisation, pk=pk)
    services.bulk_order_mark_delivered(bulk_order=bulk_order)
    return redirect("procurement:order-detail", slug=organisation.slug, pk=bulk_order.pk)


@login_required
def deliveries(request):
    """The hub's (and staff's) list of placed bulk orders with their delivery lists."""
    if not user_is_hub_or_staff(user=request.user):
        raise PermissionDenied
    return render(request, "procurement/deliveries.html", {"bulk_orders": selectors.bulk_orders_to_deliver()})


@login_required
def order_manifest(request, slug, pk):
    if user_is_hub(user=request.user):
        organisation, role = get_object_or_404(Organisation, slug=slug), None
        bulk_order = get_object_or_404(selectors.bulk_orders_to_deliver(), organisation=organisation, pk=pk)
    else:
        organisation, role = _organisation(request, slug)
        bulk_order = selectors.bulk_order_get(organisation=organisation, pk=pk)
    recipients = selectors.bulk_order_manifest(bulk_order=bulk_order)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="leveringsliste-{bulk_order.pk}.csv"'
        response.write("\ufeff")
        writer = csv_writer(response)
        writer.writerow(
            [
                _("No."),
                _("Name"),
                _("Street"),
                _("Postcode"),
                _("City"),
                _("Basket"),
                _("Quantity"),
                _("Gift message"),
                _("Status"),
                _("Attention"),
                _("Phone"),
                _("E-mail"),
            ]
        )
        for r in recipients:
            writer.writerow(
                [
                    r.position,
                    r.name,
                    r.street,
                    r.postcode,
                    r.city,
                    r.design.name,
                    r.quantity,
                    r.message,
                    r.get_status_display(),
                    r.attention,
                    r.phone,
                    r.email,
                ]
            )
        return response
    return render(
        request,
        "procurement/manifest.html",
        {"organisation": organisation, "role": role, "bulk_order": bulk_order, "recipients": recipients},
    )


@login_required
def invoice_detail(request, slug, pk):
    organisation, role = _organisation(request, slug)
    invoice = selectors.invoice_get(organisation=organisation, pk=pk)
    return render(
        request,
        "procurement/invoice.html",
        {
            "organisation": organisation,
            "role": role,
            "invoice": invoice,
            "bulk_order": invoice.bulk_order,
            "lines": invoice.bulk_order.lines.all(),
            "seller": settings.MARKETPLACE_SELLER,
        },
    )


@login_required
def invoice_pdf(request, slug, pk):
    from .pdf import invoice_pdf, invoice_pdf_filename

    organisation, _role = _organisation(request, slug)
    invoice = selectors.invoice_get(organisation=organisation, pk=pk)
    response = HttpResponse(invoice_pdf(invoice=invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_pdf_filename(invoice)}"'
    return response


@login_required
def invoice_xml(request, slug, pk):
    organisation, _role = _organisation(request, slug)
    invoice = selectors.invoice_get(organisation=organisation, pk=pk)
    response = HttpResponse(invoice.xml.encode(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{invoice.file_stem}.xml"'
    return response


@staff_member_required
@require_POST
def invoice_paid(request, slug, pk):
    organisation, _role = _organisation(request, slug)
    invoice = selectors.invoice_get(organisation=organisation, pk=pk)
    try:
        services.invoice_mark_paid(invoice=invoice, user=request.user)
        messages.success(request, _("Invoice %(number)s is marked paid.") % {"number": invoice.number})
    except services.ProcurementError as exc:
        _errors_show(request, exc)
    return redirect("procurement:invoice-detail", slug=organisation.slug, pk=invoice.pk)


def _year(request):
    try:
        return int(request.GET["year"])
    except (KeyError, ValueError):
        return None


def _report_csv(report, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(
        [_("Year"), _("Social enterprise"), _("RSØV registered"), _("Spend excl. VAT (DKK)"), _("Share (%)")]
    )
    for row in report.rows:
        writer.writerow(
            [report.year, row.name, _("yes") if row.is_rsov else _("no"), row.spend_excl_tax, row.share]
        )
    writer.writerow([report.year, _("Total"), "", report.total_excl_tax, "100"])
    return response


@login_required
def impact(request, slug):
    organisation, role = _organisation(request, slug)
    report = selectors.impact_report(organisation=organisation, year=_year(request))
    if request.GET.get("format") == "csv":
        return _report_csv(report, f"effekt-{organisation.slug}-{report.year}.csv")
    return render(
        request, "procurement/impact.html", {"organisation": organisation, "role": role, "report": report}
    )


@staff_member_required
def impact_all(request):
    report = selectors.impact_report(organisation=None, year=_year(request))
    if request.GET.get("format") == "csv":
        return _report_csv(report, f"effekt-alle-{report.year}.csv")
    return render(
        request,
        "procurement/impact.html",
        {
            "organisation": None,
            "report": report,
            "by_organisation": selectors.impact_by_organisation(year=report.year),
        },
    )


def _organisation_managed(request, slug):
    """The organisation, to staff and its own admins; a member who is not an admin gets a 403."""
    organisation, role = _organisation(request, slug)
    if not selectors.membership_can_manage(user=request.user, organisation=organisation):
        raise PermissionDenied
    return organisation, role


@login_required
def members(request, slug):
    organisation, role = _organisation_managed(request, slug)
    action = request.POST.get("action", "invite")
    form = InvitationForm(request.POST if request.method == "POST" and action == "invite" else None)
    if request.method == "POST":
        if action == "invite" and form.is_valid():
            services.invitation_send(
                organisation=organisation,
                invited_by=request.user,
                base_url=site_url(),
                **form.cleaned_data,
            )
            sent = _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            messages.success(request, sent)
            return redirect("procurement:members", slug=organisation.slug)
        if action in ("update", "remove"):
            membership = get_object_or_404(organisation.memberships, pk=request.POST.get("membership"))
            try:
                if action == "remove":
                    services.membership_remove(membership=membership, by=request.user)
                    messages.success(request, _("%(email)s removed.") % {"email": membership.user.email})
                else:
                    change = MembershipForm(request.POST)
                    if not change.is_valid():
                        raise services.ProcurementError(_("Choose a role."))
                    services.membership_update(membership=membership, by=request.user, **change.cleaned_data)
                    messages.success(request, _("%(email)s updated.") % {"email": membership.user.email})
            except services.ProcurementError as exc:
                _errors_show(request, exc)
            return redirect("procurement:members", slug=organisation.slug)
    return render(
        request,
        "procurement/members.html",
        {
            "organisation": organisation,
            "role": role,
            "form": form,
            "roles": Membership.Role.choices,
            "memberships": organisation.memberships.select_related("user").order_by("user__email"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
        },
    )


@login_required
def locations(request, slug):
    organisation, role = _organisation_managed(request, slug)
    form = LocationForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            location = get_object_or_404(organisation.locations, pk=request.POST.get("location"))
            try:
                services.location_remove(location=location)
                messages.success(request, _("EAN number %(ean)s removed.") % {"ean": location.ean})
            except services.ProcurementError as exc:
                _errors_show(request, exc)
            return redirect("procurement:locations", slug=organisation.slug)
        if form.is_valid():
            try:
                location = services.location_add(organisation=organisation, **form.cleaned_data)
            except services.ProcurementError as exc:
                for error in _errors(exc):
                    form.add_error("ean", error)
            else:
                messages.success(request, _("EAN number %(ean)s added.") % {"ean": location.ean})
                return redirect("procurement:locations", slug=organisation.slug)
    return render(
        request,
        "procurement/locations.html",
        {"organisation": organisation, "role": role, "form": form, "locations": organisation.locations.all()},
    )


@login_required
def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.ProcurementError as exc:
            _errors_show(request, exc)
        else:
            messages.success(request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name})
            return redirect("procurement:organisation", slug=invitation.organisation.slug)
    return render(request, "procurement/invitation.html", {"invitation": invitation})


def recipients_template(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modtagere.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)
    writer.writerow(
        ["Navn", "Att.", "Adresse", "Postnr.", "By", "Telefon", "E-mail", "Antal", "Hilsen", "Kurv"]
    )
    writer.writerow(
        ["Anna Jensen", "Skoleafdelingen", "Skolevej 4", "8000", "Aarhus C", "", "", "1", "Tak!", ""],
    )
    return response
