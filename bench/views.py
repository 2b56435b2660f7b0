from django.http import HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def bare(request):
    """The yardstick: the same server's throughput on a view that does nothing.

    Every page's throughput is reported as a fraction of this one, measured in the same run.
    """
    return HttpResponse("ok", content_type="text/plain")
