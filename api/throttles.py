"""Rate limits (DRF throttles, counted in the shared cache): per token owner and per address.

The rates are read from settings at each request (API_RATE_LIMIT, API_ANON_RATE_LIMIT), so
a deployment or a test can change them without reloading DRF's settings."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class TokenRateThrottle(UserRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.API_RATE_LIMIT


class AddressRateThrottle(AnonRateThrottle):
    scope = "api_anon"

    def get_rate(self):
        return settings.API_ANON_RATE_LIMIT
