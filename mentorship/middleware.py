from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from mentorship.timezones import zone


class UserTimezoneMiddleware:
    """Show times in the signed-in user's own time zone; they are stored in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tz = None
        if user is not None and user.is_authenticated:
            tz = zone(user.time_zone, fallback=None)
        if tz is not None:
            timezone.activate(tz)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


class UserLanguageMiddleware:
    """The signed-in user's chosen language wins over the browser's (LocaleMiddleware has
    already activated that one, and still sets Content-Language and Vary afterwards)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        code = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if code and code in dict(settings.LANGUAGES):
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Signed-in pages hold private notes and personal data: no shared cache or browser
    history may keep them (`Cache-Control: private, no-store`), unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
