from django.conf import settings


def marketplace(request):
    """Values every page template may need (language switch, test-payment banner)."""
    return {
        "stripe_test_mode": not settings.STRIPE_SECRET_KEY.startswith("sk_live_"),
    }
