from django.utils import timezone

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
