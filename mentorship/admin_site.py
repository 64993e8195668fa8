"""Django admin's site: the stock one, with the site's sign-in rate limits."""

from django.contrib import admin

from mentorship import ratelimit


class AdminSite(admin.AdminSite):
    login_form = ratelimit.RateLimitedAdminAuthenticationForm

    def login(self, request, extra_context=None):
        return ratelimit.admin_login(super().login, request, extra_context)
