from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from marketplace.health import health_report


@never_cache
def healthz(request):
    """Database, cache and broker status; `?worker=1` also round-trips a task."""
    report = health_report(with_worker=request.GET.get("worker") == "1")
    healthy = all(v == "ok" for k, v in report.items() if k != "beat_last_run")
    return JsonResponse(report, status=200 if healthy else 503)
