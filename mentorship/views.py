from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentorship import health, mail


@never_cache
@require_GET
def healthz(request):
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


def dev_outbox(request):
    if not mail.outbox_enabled():
        raise Http404
    return render(request, "mentorship/outbox.html", {"messages_": mail.read_outbox()})


def dev_outbox_message(request, message_id):
    if not mail.outbox_enabled():
        raise Http404
    message = mail.find_message(message_id)
    if message is None:
        raise Http404
    return render(request, "mentorship/outbox_message.html", {"message": message})


def dev_outbox_html(request, message_id):
    """The HTML part alone, sandboxed: an email's markup cannot run in our origin."""
    if not mail.outbox_enabled():
        raise Http404
    message = mail.find_message(message_id)
    if message is None or not message["html"]:
        raise Http404
    response = HttpResponse(message["html"])
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
