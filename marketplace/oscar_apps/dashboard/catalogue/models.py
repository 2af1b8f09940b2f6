from oscar.apps.dashboard.catalogue.models import *  # noqa: F403
