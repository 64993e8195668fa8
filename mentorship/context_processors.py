from notifications.dev_outbox import outbox_enabled


def site(request):
    return {"SITE_NAME": "Mentorship", "DEV_OUTBOX": outbox_enabled()}
