from django.conf import settings


def marketplace(request):
    """Values every page template may need (language switch, test-payment banner)."""
    return {
        "stripe_test_mode": not settings.STRIPE_SECRET_KEY.startswith("sk_live_"),
        # The seller's identity in the footer and on the legal pages (Danish e-commerce rules).
        "seller": settings.MARKETPLACE_SELLER,
        "contact_email": settings.MARKETPLACE_CONTACT_EMAIL,
    }
