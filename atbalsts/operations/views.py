"""/healthz for the load balancer: no sign-in, no session, no personal data."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import check_health


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    health = check_health()
    return JsonResponse(health.as_dict(), status=200 if health.healthy else 503)
