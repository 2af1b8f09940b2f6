"""Reviews are read and voted on only once staff approved them (OSCAR_MODERATE_REVIEWS).

Oscar's detail and vote views fetch a review by pk alone: a review awaiting
moderation (or one of another product) was readable at its URL.
"""

from django.shortcuts import get_object_or_404
from oscar.apps.catalogue.reviews import views
from oscar.core.loading import get_model

ProductReview = get_model("reviews", "ProductReview")


class ProductReviewDetail(views.ProductReviewDetail):
    def get_queryset(self):
        return ProductReview.objects.approved().filter(
            product_id=self.kwargs["product_pk"], product__is_public=True
        )


class AddVoteView(views.AddVoteView):
    def post(self, request, *args, **kwargs):
        get_object_or_404(
            ProductReview.objects.approved(), pk=self.kwargs["pk"], product_id=self.kwargs["product_pk"]
        )
        return super().post(request, *args, **kwargs)
