from django.conf import settings
from django.http import JsonResponse
from django.views import defaults, i18n
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mentorship import health, profiles


@never_cache
@require_GET
def healthz(request):
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@require_POST
def set_language(request):
    """Django's language switch (a cookie, a safe redirect), and for a signed-in person
    their profile's language too, so emails follow and the choice wins on every device."""
    response = i18n.set_language(request)
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        profiles.set_language(request.user, code)
    return response


API_PREFIX = "/api/"


def not_found(request, exception=None):
    """404: JSON under /api/ (a client there reads JSON, as the API's schema says), the
    site's page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
