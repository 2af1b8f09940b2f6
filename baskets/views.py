"""Thin views for the composer, ready-made baskets, saved designs and cart groups.

Every change is a plain POST form that redirects back (works without
JavaScript); the composer's script sends the same forms with
`Accept: application/json` and gets the refreshed design panel instead.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.storefront_cache import storefront_page_cache
from vendors.selectors import vendor_list_for_storefront

from . import services
from .forms import AddToCartForm, ChooseTypeForm, ComposerFilterForm, DetailsForm, ItemForm, RenameForm
from .models import BasketDesign
from .selectors import (
    basket_types_available,
    composer_products_page,
    design_summary,
    published_designs,
)

SESSION_KEY = "giftbaskets_design"
PRODUCTS_PER_PAGE = 24


# --- Which design is the buyer working on? ------------------------------------------


def _current_design(request, *, create: bool = False) -> BasketDesign | None:
    """The design kept in the session; an anonymous buyer's draft lives only there."""
    design = None
    pk = request.session.get(SESSION_KEY)
    if pk:
        design = (
            BasketDesign.objects.select_related("basket_type__packaging_product__product_class")
            .filter(pk=pk, is_published=False)
            .first()
        )
        if design is not None and design.owner_id and design.owner_id != request.user.pk:
            design = None
    if design is None and create:
        owner = request.user if request.user.is_authenticated else None
        design = services.design_create(owner=owner)
        request.session[SESSION_KEY] = design.pk
    return design


def _own_design(request, pk) -> BasketDesign:
    design = get_object_or_404(BasketDesign.objects.select_related("basket_type"), pk=pk, is_published=False)
    if design.owner_id != request.user.pk:
        raise Http404
    return design


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _composer_response(request, *, ok: bool, notes: list[str]):
    """JSON with the refreshed panel for the script, or messages + redirect for plain forms."""
    if _wants_json(request):
        design = _current_design(request)
        panel = render_to_string(
            "giftbaskets/partials/design_panel.html", _panel_context(request, design), request=request
        )
        return JsonResponse({"ok": ok, "messages": notes, "panel": panel}, status=200 if ok else 400)
    for note in notes:
        (messages.success if ok else messages.error)(request, note)
    return _back(request, reverse("giftbaskets:composer"))


def _panel_context(request, design: BasketDesign | None) -> dict:
    summary = design_summary(design=design, strategy=request.strategy) if design else None
    return {
        "design": design,
        "summary": summary,
        "cart_form": AddToCartForm(),
        "details_form": DetailsForm(initial={"name": design.name, "gift_message": design.gift_message})
        if design
        else None,
    }


# --- Shop pages ------------------------------------------------------------------------

FRONT_PAGE_BASKETS = 4


def front_page(request):
    """/da/: what Fælleskurv is, a few ready-made baskets, the enterprises, and the ways in
    for companies, municipalities and enterprises that want to sell."""
    designs = list(published_designs()[:FRONT_PAGE_BASKETS])
    return render(
        request,
        "giftbaskets/front_page.html",
        {
            "summaries": [design_summary(design=design, strategy=request.strategy) for design in designs],
            "vendors": list(vendor_list_for_storefront()),
        },
    )


def index(request):
    """Ready-made baskets and the basket types to start from."""
    designs = list(published_designs())
    summaries = [design_summary(design=design, strategy=request.strategy) for design in designs]
    return render(
        request,
        "giftbaskets/index.html",
        {"summaries": summaries, "basket_types": basket_types_available()},
    )


def ready_made_detail(request, slug):
    design = get_object_or_404(published_designs(), slug=slug)
    summary = design_summary(design=design, strategy=request.strategy)
    return render(
        request,
        "giftbaskets/ready_made_detail.html",
        {"design": design, "summary": summary, "cart_form": AddToCartForm()},
    )


@require_POST
def ready_made_add_to_cart(request, slug):
    design = get_object_or_404(published_designs(), slug=slug)
    return _add_to_cart(request, design=design, failure_url=reverse("giftbaskets:ready-made", args=[slug]))


@require_POST
def ready_made_copy(request, slug):
    """Copy a ready-made basket into the buyer's own design and open it in the composer."""
    design = get_object_or_404(published_designs(), slug=slug)
    owner = request.user if request.user.is_authenticated else None
    copy = services.design_copy(design=design, owner=owner, name=design.name)
    request.session[SESSION_KEY] = copy.pk
    messages.success(
        request, _("%(name)s is now your own design: change it as you like.") % {"name": design.name}
    )
    return redirect("giftbaskets:composer")


def _add_to_cart(request, *, design: BasketDesign, failure_url: str):
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        problems = [error for errors in form.errors.values() for error in errors]
    else:
        try:
            group = services.gift_basket_add_to_cart(
                basket=request.basket, design=design, quantity=form.cleaned_data["quantity"], request=request
            )
        except services.GiftBasketError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _("Gift basket '%(name)s' × %(quantity)d is in your cart.")
                % {"name": group.name, "quantity": group.quantity},
            )
            return redirect("basket:summary")
    messages.error(request, _("The gift basket was not added to the cart."))
    for problem in problems:
        messages.error(request, problem)
    return redirect(failure_url)


# --- The composer ----------------------------------------------------------------------


@transaction.non_atomic_requests
@storefront_page_cache
def composer(request):
    """Read-only page; no transaction needed around it (it is benchmarked)."""
    design = _current_design(request)
    filter_form = ComposerFilterForm(request.GET or None)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = composer_products_page(
        filters={
            "category": filters.get("category"),
            "vendor": filters.get("vendor") or "",
            "rsov_only": bool(filters.get("rsov")),
            "price_min": filters.get("price_min"),
            "price_max": filters.get("price_max"),
            "in_stock_only": bool(filters.get("in_stock")),
            "query": filters.get("q") or "",
        },
        number=request.GET.get("page"),
        per_page=PRODUCTS_PER_PAGE,
        strategy=request.strategy,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "giftbaskets/composer.html",
        {
            **_panel_context(request, design),
            "type_form": ChooseTypeForm(initial={"basket_type": design.basket_type if design else None}),
            "filter_form": filter_form,
            "page": page,
            "filter_query": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


@require_POST
def composer_choose_type(request):
    form = ChooseTypeForm(request.POST)
    if not form.is_valid():
        return _composer_response(request, ok=False, notes=[_("Choose one of the basket types.")])
    design = _current_design(request, create=True)
    try:
        services.design_set_type(design=design, basket_type=form.cleaned_data["basket_type"])
    except services.GiftBasketError as error:
        return _composer_response(request, ok=False, notes=error.messages)
    return _composer_response(
        request, ok=True, notes=[_("Basket type: %(type)s.") % {"type": design.basket_type.name}]
    )


@require_POST
def composer_add_item(request):
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _composer_response(request, ok=False, notes=[_("Choose a product and a quantity.")])
    design = _current_design(request, create=True)
    try:
        item = services.design_add_item(
            design=design,
            product_id=form.cleaned_data["product"],
            quantity=form.cleaned_data["quantity"] or 1,
        )
    except services.GiftBasketError as error:
        return _composer_response(request, ok=False, notes=error.messages)
    return _composer_response(
        request,
        ok=True,
        notes=[_("%(product)s added to the basket.") % {"product": item.product.get_title()}],
    )


@require_POST
def composer_set_quantity(request):
    form = ItemForm(request.POST)
    design = _current_design(request)
    if design is None or not form.is_valid():
        return _composer_response(request, ok=False, notes=[_("Choose a product and a quantity.")])
    try:
        services.design_set_item_quantity(
            design=design,
            product_id=form.cleaned_data["product"],
            quantity=form.cleaned_data["quantity"] or 0,
        )
    except services.GiftBasketError as error:
        return _composer_response(request, ok=False, notes=error.messages)
    return _composer_response(request, ok=True, notes=[_("Quantity changed.")])


@require_POST
def composer_remove_item(request):
    form = ItemForm(request.POST)
    design = _current_design(request)
    if design is None or not form.is_valid():
        return _composer_response(request, ok=False, notes=[_("Choose a product.")])
    services.design_remove_item(design=design, product_id=form.cleaned_data["product"])
    return _composer_response(request, ok=True, notes=[_("Removed from the basket.")])


@require_POST
def composer_details(request):
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return _composer_response(
            request, ok=False, notes=[e for errors in form.errors.values() for e in errors]
        )
    design = _current_design(request, create=True)
    services.design_update_details(
        design=design, name=form.cleaned_data["name"], gift_message=form.cleaned_data["gift_message"]
    )
    return _composer_response(request, ok=True, notes=[_("Name and gift message saved.")])


@require_POST
def composer_new(request):
    request.session.pop(SESSION_KEY, None)
    _current_design(request, create=True)
    messages.success(request, _("You started a new gift basket."))
    return redirect("giftbaskets:composer")


@require_POST
def composer_save(request):
    if not request.user.is_authenticated:
        messages.error(request, _("Log in to save your gift basket."))
        return redirect(f"{reverse('customer:login')}?next={reverse('giftbaskets:composer')}")
    design = _current_design(request)
    if design is None:
        raise Http404
    services.design_save_for_user(design=design, user=request.user)
    messages.success(request, _("'%(name)s' is saved under My gift baskets.") % {"name": design.name})
    return redirect("giftbaskets:composer")


@require_POST
def composer_add_to_cart(request):
    design = _current_design(request)
    if design is None:
        messages.error(request, _("Put something in the basket first."))
        return redirect("giftbaskets:composer")
    return _add_to_cart(request, design=design, failure_url=reverse("giftbaskets:composer"))


# --- My saved designs -----------------------------------------------------------------


@login_required
def my_designs(request):
    designs = (
        BasketDesign.objects.filter(owner=request.user, is_saved=True, is_published=False)
        .select_related("basket_type")
        .order_by("-updated_at")
    )
    summaries = [design_summary(design=design, strategy=request.strategy) for design in designs]
    return render(
        request, "giftbaskets/my_designs.html", {"summaries": summaries, "rename_form": RenameForm()}
    )


@login_required
@require_POST
def my_design_open(request, pk):
    design = _own_design(request, pk)
    request.session[SESSION_KEY] = design.pk
    return redirect("giftbaskets:composer")


@login_required
@require_POST
def my_design_rename(request, pk):
    design = _own_design(request, pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        services.design_update_details(
            design=design, name=form.cleaned_data["name"], gift_message=design.gift_message
        )
        messages.success(request, _("Renamed to '%(name)s'.") % {"name": design.name})
    else:
        messages.error(request, _("Give the basket a name."))
    return redirect("giftbaskets:my-designs")


@login_required
@require_POST
def my_design_copy(request, pk):
    design = _own_design(request, pk)
    copy = services.design_copy(design=design, owner=request.user, saved=True)
    messages.success(request, _("Copied as '%(name)s'.") % {"name": copy.name})
    return redirect("giftbaskets:my-designs")


@login_required
@require_POST
def my_design_delete(request, pk):
    design = _own_design(request, pk)
    name = design.name
    if request.session.get(SESSION_KEY) == design.pk:
        request.session.pop(SESSION_KEY)
    services.design_delete(design=design)
    messages.success(request, _("'%(name)s' is deleted.") % {"name": name})
    return redirect("giftbaskets:my-designs")


# --- Gift baskets in the cart ----------------------------------------------------------


@require_POST
def cart_group_quantity(request, reference):
    try:
        quantity = int(request.POST.get("quantity", ""))
    except ValueError:
        messages.error(request, _("Enter a whole number of baskets."))
        return redirect("basket:summary")
    try:
        services.gift_basket_group_set_quantity(
            basket=request.basket, reference=reference, quantity=quantity, request=request
        )
    except services.GiftBasketError as error:
        messages.error(request, _("The number of gift baskets was not changed."))
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Your cart is updated."))
    return redirect("basket:summary")


@require_POST
def cart_group_remove(request, reference):
    try:
        services.gift_basket_group_remove(basket=request.basket, reference=reference)
    except services.GiftBasketError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("The gift basket is removed from your cart."))
    return redirect("basket:summary")
