"""Stock alerts only for products buyers may see.

Oscar's create view looks the product up by pk alone: an invalid POST rendered a
hidden or unapproved product's page (and put it in "recently viewed"), a valid one
stored an alert for it, and a GET redirected to the hidden product's URL (its slug).
"""

from django import http
from django.shortcuts import get_object_or_404
from django.views import generic
from oscar.apps.customer.alerts import views
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


def _public_product(pk):
    return get_object_or_404(Product.objects.public().exclude(parent__is_public=False), pk=pk)


class ProductAlertCreateView(views.ProductAlertCreateView):
    def get(self, request, *args, **kwargs):
        return http.HttpResponseRedirect(_public_product(self.kwargs["pk"]).get_absolute_url())

    def post(self, request, *args, **kwargs):
        # pylint: disable=attribute-defined-outside-init
        self.product = _public_product(self.kwargs["pk"])
        return generic.CreateView.post(self, request, *args, **kwargs)
