"""Development: works with nothing installed (SQLite, filesystem broker)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-development-key-not-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "0.0.0.0"])

# No Stripe keys: every payment goes to the local Stripe double that `make run`
# starts (Procfile.dev, `python -m stripe_double`), and the shop says payments are test payments.
if not env.str("STRIPE_SECRET_KEY", default=""):
    STRIPE_DOUBLE_PORT = env.int("STRIPE_DOUBLE_PORT", default=12111)
    STRIPE_SECRET_KEY = "sk_test_local_double"
    STRIPE_PUBLISHABLE_KEY = "pk_test_local_double"
    STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_local_double")
    STRIPE_API_BASE = env.str("STRIPE_API_BASE", default=f"http://127.0.0.1:{STRIPE_DOUBLE_PORT}")
