"""Storefront views: listings from the ORM (no search index), cached pages for anonymous visitors.

Each view runs a fixed number of SQL queries whatever the catalogue's size
and page size (see bench/query_counts.py), and writes nothing to the
database: product views are counted in Redis (product_views.py).
"""

import json
from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView
from oscar.apps.customer.history import CustomerHistoryManager
from oscar.core.loading import get_class, get_model

from marketplace.oscar_apps.catalogue import selectors
from marketplace.oscar_apps.catalogue.forms import SearchForm
from marketplace.oscar_apps.catalogue.product_views import product_view_record
from marketplace.storefront_cache import PageCacheMixin

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductAlert = get_model("customer", "ProductAlert")
ProductAlertForm = get_class("customer.forms", "ProductAlertForm")
BasketAddView = get_class("basket.views", "BasketAddView")

RELATED_PRODUCTS_MAX = 6


def _ancestors_and_self(path: str) -> list:
    """Breadcrumb categories from the cached category menu (no query)."""
    step = Category.steplen
    wanted = {path[:end] for end in range(step, len(path) + 1, step)}
    return [c for c in selectors.category_choices_for_menu() if c.path in wanted]


class ProductListView(PageCacheMixin, ListView):
    """All public products of approved vendors, filtered by the search form's fields."""

    template_name = "oscar/catalogue/browse.html"
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    summary = _("All products")
    category = None

    def get_form(self):
        if not hasattr(self, "_form"):
            self._form = SearchForm(data=self.request.GET or None)
            self._form.is_valid()
        return self._form

    def get_filters(self) -> dict:
        data = getattr(self.get_form(), "cleaned_data", {})
        return {
            "query": data.get("q") or "",
            "vendor_slug": data.get("vendor") or "",
            "rsov_only": bool(data.get("rsov")),
            "sort": data.get("sort_by") or "",
        }

    def get_queryset(self):
        return selectors.product_filter(
            queryset=selectors.product_queryset_for_listing(), category=self.category, **self.get_filters()
        )

    def get(self, request, *args, **kwargs):
        # The queryset is built only if the page is not in the listing cache (paginate_queryset).
        self.object_list = None
        return self.render_to_response(self.get_context_data())

    def paginate_queryset(self, queryset, page_size):
        """The page from `selectors.product_listing_page` (count and ids cached), else Django's 404s."""
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1
        try:
            page = selectors.product_listing_page(
                queryset_factory=self.get_queryset,
                filters=self.get_filters(),
                category=self.category,
                number=number,
                per_page=page_size,
                strategy=self.request.strategy,
            )
        except InvalidPage as e:
            raise Http404(
                _("Invalid page (%(page_number)s): %(message)s") % {"page_number": number, "message": str(e)}
            ) from e
        return (page.paginator, page, page.object_list, page.has_other_pages())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["products"] = ctx["page_obj"].object_list
        filters = self.get_filters()
        querystring = self.request.GET.copy()
        querystring.pop(self.page_kwarg, None)
        ctx.update(
            summary=self.summary,
            form=self.get_form(),
            search_form=self.get_form(),
            filters=filters,
            query=filters["query"],
            querystring=querystring.urlencode(),
            category=self.category,
            categories=selectors.category_choices_for_menu(),
            vendors=selectors.vendor_choices_for_filter(),
        )
        return ctx


class CatalogueView(ProductListView):
    pass


class ProductCategoryView(ProductListView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category.objects.browsable(), pk=kwargs["pk"])
        expected = self.category.get_absolute_url()
        if unquote(expected) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["summary"] = self.category.name
        ctx["ancestors"] = _ancestors_and_self(self.category.path)[:-1]
        return ctx


class ProductDetailView(PageCacheMixin, DetailView):
    """Oscar's product page without the per-view database write and per-product queries.

    Written after `oscar.apps.catalogue.views.ProductDetailView`, which cannot
    be imported without Haystack (it loads the search app's listing views).
    """

    context_object_name = "product"
    model = Product

    def get(self, request, *args, **kwargs):
        self.object = product = self.get_object()
        expected = product.get_absolute_url()
        if unquote(expected) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected)
        if not (product.is_public or request.user.is_staff):
            raise Http404()
        response = super().get(request, *args, **kwargs)
        self.send_signal(request, response, product)
        return response

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        pk = self.kwargs["pk"]
        product = selectors.product_for_detail_page(pk=pk, user=self.request.user)
        if product is None and self.request.user.is_staff:
            product = Product.objects.filter(pk=pk).first()
        if product is None:
            raise Http404(_("No product found matching the query"))
        selectors.product_user_facts_attach(product=product, user=self.request.user)
        return product

    def get_template_names(self):
        return [
            f"oscar/catalogue/detail-for-upc-{self.object.upc}.html",
            f"oscar/catalogue/detail-for-class-{self.object.get_product_class().slug}.html",
            "oscar/catalogue/detail.html",
        ]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["alert_form"] = ProductAlertForm(user=self.request.user, product=product)
        ctx["has_active_alert"] = getattr(product, "user_has_active_alert", None)
        if ctx["has_active_alert"] is None:  # a staff preview of a product outside the storefront
            ctx["has_active_alert"] = (
                self.request.user.is_authenticated
                and ProductAlert.objects.filter(
                    product=product, user=self.request.user, status=ProductAlert.ACTIVE
                ).exists()
            )
        selectors.products_attach_purchase_info(products=[product], strategy=self.request.strategy)
        categories = list(product.categories.all())
        ctx["breadcrumb_categories"] = _ancestors_and_self(categories[0].path) if categories else []
        ctx.update(self.get_related_products(product))
        return ctx

    def get_related_products(self, product) -> dict:
        """Recommended and recently viewed products, loaded together in one listing query."""
        recommended_ids = getattr(product, "recommended_ids", None)  # cached with the product
        if recommended_ids is None:  # a staff preview of a product outside the storefront
            recommended_ids = selectors.product_recommended_ids(product=product)
        recommended_ids = recommended_ids[:RELATED_PRODUCTS_MAX]
        history_ids = [
            pk for pk in reversed(CustomerHistoryManager.extract(self.request)) if pk != product.pk
        ][: settings.OSCAR_RECENTLY_VIEWED_PRODUCTS]
        wanted = set(recommended_ids) | set(history_ids)
        found = {}
        if wanted:
            found = {p.pk: p for p in selectors.product_queryset_for_listing().filter(pk__in=wanted)}
            selectors.products_attach_purchase_info(products=found.values(), strategy=self.request.strategy)
        return {
            "recommended_products": [found[pk] for pk in recommended_ids if pk in found],
            "recently_viewed_products": [found[pk] for pk in history_ids if pk in found],
        }

    def page_cache_hit(self, request, response, *args, **kwargs):
        self.send_signal(request, response, None, product_id=int(kwargs["pk"]))
        return response

    def send_signal(self, request, response, product, product_id=None):
        """Count the view in Redis and keep Oscar's history cookie; no database write."""
        product_id = product.pk if product is not None else product_id
        product_view_record(product_id=product_id)
        ids = CustomerHistoryManager.extract(request, response)
        CustomerHistoryManager.add(ids, product_id)
        response.set_cookie(
            CustomerHistoryManager.cookie_name, value=json.dumps(ids), **CustomerHistoryManager.cookie_kwargs
        )


class OfferBasketAddView(BasketAddView):
    """Oscar's add-to-basket with the offer (stock record) the buyer chose on the product page.

    The chosen offer must be one the strategy would sell; it is pinned on the
    basket's strategy while Oscar's form checks the quantity and
    `Basket.add_product` creates the line, so the line carries that vendor's
    stock record and price.
    """

    def post(self, request, *args, **kwargs):
        self.product = get_object_or_404(selectors.product_queryset_for_listing(), pk=kwargs["pk"])
        strategy = request.basket.strategy
        offers = {offer.pk: offer for offer in strategy.offers_ranked(self.product)}
        try:
            chosen = offers[int(request.POST.get("stockrecord", ""))]
        except (KeyError, ValueError):
            messages.error(request, _("Choose one of the offers of this product."))
            return redirect(self.product.get_absolute_url())
        with strategy.offer_chosen(product=self.product, stockrecord=chosen):
            return super(BasketAddView, self).post(request, *args, **kwargs)
