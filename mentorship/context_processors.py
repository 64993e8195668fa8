from mentorship.mail import outbox_enabled


def site(request):
    return {"SITE_NAME": "Mentorship", "DEV_OUTBOX": outbox_enabled()}
