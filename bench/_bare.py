"""A bare Django view behind the project's own settings and middleware: the anchor that
bench/scale.py divides the real pages' requests per second by.

    gunicorn --pythonpath bench _bare:application   (same flags as the real app)
"""

import os

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")
django.setup()
settings.ROOT_URLCONF = __name__  # before the first request resolves a URL


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", bare)]
application = get_wsgi_application()
