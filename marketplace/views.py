from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from marketplace.health import health_report


# No request transaction: a dead database must be a line in the report, not a 500 before the view.
@transaction.non_atomic_requests
@never_cache
def healthz(request):
    """Database, cache and broker status; `?worker=1` also round-trips a task. 503 names what fails."""
    report = health_report(with_worker=request.GET.get("worker") == "1")
    return JsonResponse(report, status=503 if report["failing"] else 200)
