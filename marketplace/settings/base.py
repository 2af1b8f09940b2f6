"""Settings shared by every environment.

Everything that differs between machines comes from the environment
(django-environ); local.py, test.py and production.py only choose defaults.
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import environ
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's defaults first, our OSCAR_* after)

from marketplace.order_status import LineStatus, OrderStatus

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    # Forked for the Danish address form and payment on Stripe's hosted page.
    "marketplace.oscar_apps.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    # Forked for collect-at-the-hub and per-gift-basket delivery (shipping/methods.py).
    "marketplace.oscar_apps.shipping.apps.ShippingConfig",
    # Forked: ORM listings, PostgreSQL full-text search, Redis page cache (issue 8).
    "marketplace.oscar_apps.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    # Forked to provide the Danish VAT strategy (partner/strategy.py).
    "marketplace.oscar_apps.partner.apps.PartnerConfig",
    "oscar.apps.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "oscar.apps.order.apps.OrderConfig",
    # Forked: alerts only for public products; e-mail-verified registration (issue 11).
    "marketplace.oscar_apps.customer.apps.CustomerConfig",
    "marketplace.oscar_apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    # Forked (with orders and catalogue below) so get_class finds the vendor-scoped views.
    "marketplace.oscar_apps.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    # Forked to limit vendor users to their own Partner's products and order lines.
    "marketplace.oscar_apps.dashboard.orders.apps.OrdersDashboardConfig",
    "marketplace.oscar_apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    # This project
    "marketplace.apps.MarketplaceConfig",
    "marketplace.layout.apps.LayoutConfig",
    "vendors",
    "baskets",
    "payments",
    "fulfilment",
    "procurement",
    "supply",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Oscar's, with the lines loaded in fixed queries (marketplace/layout).
    "marketplace.layout.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "marketplace.oscar_apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "marketplace.layout.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "marketplace.context_processors.marketplace",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = (
    # Oscar's e-mail login and Django's, with permissions cached per user (marketplace/layout).
    "marketplace.layout.auth_backends.EmailBackend",
    "marketplace.layout.auth_backends.ModelBackend",
)
# Sessions read from the cache (written through to the database): no session query per page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Resolved per request in the active language: logging in from /da/ lands on /da/, not on the
# browser's language (a bare "/" let LocaleMiddleware pick it).
LOGIN_REDIRECT_URL = reverse_lazy("catalogue:index")

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: wait for locks.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Write transactions take the lock up front, so a Stripe webhook and the buyer's
    # return placing the same order wait for each other instead of failing "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The cache is an optimisation: while Redis is down every read misses and every write is
# dropped (marketplace/cache_backends.py), so pages render uncached and orders are placed.
# Short socket timeouts: a Redis that hangs must cost a page at most a second, not minutes.
CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "marketplace.cache_backends.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="fk"),
            "OPTIONS": CACHE_OPTIONS,
        }
    }
else:
    # A file cache is shared by the web server and the worker, unlike locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Login hardening (issue 11 point 13) ---------------------------------------
# django-axes counts failed logins on every login form (shop, checkout, dashboard, admin):
# after AXES_FAILURE_LIMIT wrong passwords for one e-mail from one address, that pair is
# locked out for AXES_COOLOFF_TIME and sees templates/axes/lockout.html (HTTP 429).
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ("axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS)
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_SENSITIVE_PARAMETERS = ["password", "login-password", "password1", "password2"]
# Passwords on registration, vendor application and password change/reset.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Links in e-mails (issue 11 point 14) ---------------------------------------
# Absolute links are built from these (marketplace/site_url.py), never from a request's host;
# the Site row follows them after every migrate. `make run` sets SITE_DOMAIN=127.0.0.1:$PORT.
SITE_DOMAIN = env.str("SITE_DOMAIN", default="127.0.0.1:8000")
SITE_SCHEME = env.str("SITE_SCHEME", default="http")

# --- Localisation: Danish first, English second --------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public shop (issue 14): slugs of new products spell Danish letters out ("Rødvin" -> "roedvin").
OSCAR_SLUG_MAP = {"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}
# Public shop (issue 14): the contact address in the footer and on the legal pages.
MARKETPLACE_CONTACT_EMAIL = env.str("MARKETPLACE_CONTACT_EMAIL", default="kontakt@faelleskurv.example")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by WhiteNoise) and gzip/Brotli copies; tests use the plain storage.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Fælleskurv <ordre@faelleskurv.example>")
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- Storefront: ORM listings + PostgreSQL full-text search, no search index ----
# How long a cached storefront page/menu may live; changes invalidate at once
# (marketplace/storefront_cache.py). 0 switches caching off.
STOREFRONT_CACHE_SECONDS = env.int("STOREFRONT_CACHE_SECONDS", default=5)
# Whole anonymous pages in the cache (menus and filters are cached regardless).
STOREFRONT_PAGE_CACHE = env.bool("STOREFRONT_PAGE_CACHE", default=True)
# Only for bench/serve_and_wrk.sh: serves /bench/ceiling/ through the full middleware stack.
BENCH_CEILING_VIEW = env.bool("BENCH_CEILING_VIEW", default=False)

# --- Oscar --------------------------------------------------------------------
OSCAR_SHOP_NAME = "Fælleskurv"
OSCAR_SHOP_TAGLINE = _("Gift baskets from social enterprises")
OSCAR_DEFAULT_CURRENCY = "DKK"
# The front page (baskets.views.front_page, /da/); "/" would loop with the /da/ language prefix.
OSCAR_HOMEPAGE = reverse_lazy("front")
OSCAR_ALLOW_ANON_CHECKOUT = True
# Reviews: only signed-in buyers write them, and staff approve each before it shows.
OSCAR_ALLOW_ANON_REVIEWS = False
OSCAR_MODERATE_REVIEWS = True
# Statuses are the enums of marketplace/order_status.py (stored as their English values).
OSCAR_INITIAL_ORDER_STATUS = OrderStatus.PENDING
OSCAR_INITIAL_LINE_STATUS = LineStatus.PENDING
OSCAR_ORDER_STATUS_PIPELINE = {
    OrderStatus.PENDING: (OrderStatus.PAID, OrderStatus.BEING_PROCESSED, OrderStatus.CANCELLED),
    OrderStatus.PAID: (OrderStatus.BEING_PROCESSED, OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.BEING_PROCESSED: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.COMPLETE,),
    OrderStatus.COMPLETE: (),
    OrderStatus.CANCELLED: (),
}
OSCAR_LINE_STATUS_PIPELINE = {
    LineStatus.PENDING: (LineStatus.ACCEPTED, LineStatus.CANCELLED),
    LineStatus.ACCEPTED: (LineStatus.PACKED, LineStatus.CANCELLED),
    LineStatus.PACKED: (LineStatus.DELIVERED, LineStatus.CANCELLED),
    LineStatus.DELIVERED: (),
    LineStatus.CANCELLED: (),
}

# --- Marketplace --------------------------------------------------------------
# True only in production.py: e.g. seed_demo refuses to run there.
MARKETPLACE_PRODUCTION = False
VAT_RATE = Decimal("0.25")
MARKETPLACE_COMMISSION_RATE = Decimal(env.str("MARKETPLACE_COMMISSION_RATE", default="0.15"))
# New vendor products stay hidden until staff approve them.
VENDOR_PRODUCT_APPROVAL_REQUIRED = env.bool("VENDOR_PRODUCT_APPROVAL_REQUIRED", default=True)
VENDOR_IMPORT_MAX_BYTES = env.int("VENDOR_IMPORT_MAX_BYTES", default=1024 * 1024)
VENDOR_IMPORT_MAX_ROWS = 1000
# Product images uploaded in the dashboard.
PRODUCT_IMAGE_MAX_BYTES = env.int("PRODUCT_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
# Vendors deliver their part of an order to the hub this many days after it was placed.
FULFILMENT_DELIVER_WITHIN_DAYS = env.int("FULFILMENT_DELIVER_WITHIN_DAYS", default=3)
# The sweep splits orders still not split this long after they were placed.
FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS = env.int("FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS", default=300)
# Bulk orders by public buyers (procurement): days before the earliest delivery,
# payment terms on invoices, and how long recipients' names and addresses are kept.
PROCUREMENT_LEAD_TIME_DAYS = env.int("PROCUREMENT_LEAD_TIME_DAYS", default=7)
PROCUREMENT_PAYMENT_DAYS = env.int("PROCUREMENT_PAYMENT_DAYS", default=30)
PROCUREMENT_ANONYMISE_AFTER_DAYS = env.int("PROCUREMENT_ANONYMISE_AFTER_DAYS", default=30)
# A saved quote (T-YYYY-NNNNN) can be ordered for this many days.
PROCUREMENT_QUOTE_VALID_DAYS = env.int("PROCUREMENT_QUOTE_VALID_DAYS", default=30)
# E-invoice outbox (procurement/transmission.py): the sender class and the folder the default one writes to.
EINVOICE_SENDER = env.str("EINVOICE_SENDER", default="procurement.transmission.FolderSender")
EINVOICE_OUTBOX_DIR = env.str("EINVOICE_OUTBOX_DIR", default=str(VAR_DIR / "einvoice-outbox"))
# Delivery price per gift basket, incl. VAT (collect at the hub is free).
MARKETPLACE_DELIVERY_PRICE_PER_BASKET = Decimal(
    env.str("MARKETPLACE_DELIVERY_PRICE_PER_BASKET", default="59.00")
)
MARKETPLACE_SELLER = {
    "name": env.str("MARKETPLACE_SELLER_NAME", default="Fælleskurv ApS"),
    "cvr": env.str("MARKETPLACE_SELLER_CVR", default="13585628"),
    "street": env.str("MARKETPLACE_SELLER_STREET", default="Nørregade 12"),
    "postcode": env.str("MARKETPLACE_SELLER_POSTCODE", default="8000"),
    "city": env.str("MARKETPLACE_SELLER_CITY", default="Aarhus C"),
    "iban": env.str("MARKETPLACE_SELLER_IBAN", default="DK5000400440116243"),
    "bic": env.str("MARKETPLACE_SELLER_BIC", default="NDEADKKK"),
}

# --- Stripe: empty keys mean the local double (stripe_double/, see local.py) ---
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Set to the local Stripe double's URL (e.g. http://127.0.0.1:12111) to keep
# every Stripe call on this machine.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")

# --- Celery -------------------------------------------------------------------
# With REDIS_URL: Redis is broker and result store. Without: kombu's filesystem
# transport under var/celery, so `make run` needs no server at all.
CELERY_DATA_DIR = VAR_DIR / "celery"
# Redis hands an unacknowledged message to another worker after the visibility timeout:
# longer than the longest task (hard limit 300 s) and the longest retry countdown (backoff
# capped at 600 s), or a slow task runs twice; short enough that a whole worker killed
# costs minutes, not Redis's default hour.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=f"file://{CELERY_DATA_DIR / 'results'}")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Every task is idempotent (CONTRIBUTING.md): a message is acknowledged after its task ran,
# and a task whose worker process died (SIGKILL, OOM) goes back to the queue instead of
# being marked done with WorkerLostError.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Periodic tasks; the issues that own them add entries here.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "marketplace.tasks.heartbeat", "schedule": 60.0},
    # Card payments left open past their Stripe session's expiry (a lost webhook, a buyer
    # who never came back): place the order if paid, else give the stock and basket back.
    "payments-stale-checkouts": {"task": "payments.checkout_payments_stale_settle", "schedule": 300.0},
    # Payments whose confirmation hit a Stripe outage: placed within a minute or two of Stripe's return.
    "payments-unconfirmed-checkouts": {
        "task": "payments.checkout_payments_unconfirmed_settle",
        "schedule": 60.0,
    },
    # Product views are counted in Redis on the request path and written here.
    "catalogue-product-views-flush": {"task": "catalogue.product_views_flush", "schedule": 300.0},
    # Orders placed but not split (e.g. the broker was down at checkout).
    "fulfilment-split-sweep": {"task": "fulfilment.orders_split_sweep", "schedule": 120.0},
    # Pick lists and payouts of split orders whose task was lost (e.g. its worker was killed).
    "fulfilment-follow-ups-sweep": {"task": "fulfilment.follow_ups_sweep", "schedule": 120.0},
    # Held payouts go out once the vendor's Stripe account is ready.
    "fulfilment-held-payouts": {"task": "fulfilment.payouts_held_release", "schedule": 900.0},
    # Bulk orders: invoices whose task was lost, and recipients' data after delivery.
    "procurement-invoices-sweep": {"task": "procurement.invoices_missing_sweep", "schedule": 600.0},
    "procurement-recipients-anonymise": {"task": "procurement.recipients_anonymise", "schedule": 3600.0},
    "procurement-einvoices-transmit": {"task": "procurement.invoices_transmit_sweep", "schedule": 600.0},
    # Composer drafts nobody saved (anonymous visits) are forgotten after 30 days.
    "giftbaskets-drafts-purge": {"task": "giftbaskets.drafts_purge", "schedule": 86400.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Oscar logs every stock-alert run at INFO; that drowns the demo's output.
        "oscar.alerts": {"level": "WARNING"},
    },
}

# --- Dashboard navigation: the project's pages ------------------------------------------
# Entries name pages only. Who sees one is its page's business: the app config that lists the
# page (vendors, fulfilment, procurement: vendors.apps.PolicyDashboardConfig) names the access
# policy of vendors.permissions in its permissions_map, which also guards the page itself.
# A heading shows when one of its entries does.
OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION = "marketplace.oscar_apps.dashboard.nav.default_access_fn"

OSCAR_DASHBOARD_NAVIGATION = [  # noqa: F405
    *OSCAR_DASHBOARD_NAVIGATION,  # noqa: F405
    # Vendor onboarding and approvals (staff).
    {
        "label": _("Vendors"),
        "icon": "fas fa-store",
        "children": [
            {"label": _("Vendors and applications"), "url_name": "vendor_dashboard:vendor-list"},
            {"label": _("Products awaiting approval"), "url_name": "vendor_dashboard:product-approval-list"},
            {"label": _("Offers awaiting approval"), "url_name": "vendor_dashboard:offer-approval-list"},
        ],
    },
    # A vendor's own pages (not staff's, who get the staff dashboard).
    {
        "label": _("My enterprise"),
        "icon": "fas fa-seedling",
        "children": [
            {"label": _("Profile"), "url_name": "vendor_dashboard:profile"},
            {"label": _("Import products"), "url_name": "vendor_dashboard:import-upload"},
            {"label": _("My offers"), "url_name": "vendor_dashboard:offer-list"},
        ],
    },
    # Vendor orders, pick lists and payouts (fulfilment).
    {
        "label": _("Deliveries and payouts"),
        "icon": "fas fa-truck",
        "children": [
            {"label": _("Vendor orders"), "url_name": "fulfilment:vendor-order-list"},
            {"label": _("Substitutions"), "url_name": "fulfilment:substitution-list"},
            {"label": _("Held payouts"), "url_name": "fulfilment:payouts-held"},
            {"label": _("Payouts (Stripe)"), "url_name": "fulfilment:stripe-connect"},
        ],
    },
    # Bulk orders of organisations (procurement): staff see every organisation, the hub what to deliver.
    {
        "label": _("Bulk orders"),
        "icon": "fas fa-building",
        "children": [
            {"label": _("Organisations"), "url_name": "procurement:home"},
            {"label": _("Bulk orders to deliver"), "url_name": "procurement:deliveries"},
        ],
    },
]
