from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Mentorship",
        "DEV_OUTBOX": settings.DEBUG and settings.EMAIL_BACKEND == "mentorship.mail.OutboxBackend",
    }
