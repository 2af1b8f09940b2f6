"""The benchmark's ceiling: a bare view through the full middleware stack (bench/serve_and_wrk.sh).

Served only when settings.BENCH_CEILING_VIEW is on. Like the stock-Oscar
anchor's /ceiling/: a fixed 20 KB HTML body, no database, no template.
"""

from django.http import HttpResponse

PARAGRAPH = "<p>" + "x" * 76 + "</p>\n"
CEILING_BODY = ("<!doctype html><html><body>" + PARAGRAPH * 244 + "</body></html>").encode()


def ceiling(request):
    return HttpResponse(CEILING_BODY)
