"""A program's webhook endpoints (its admins): add, see the secret and the last deliveries,
change the events, send failed ones again, remove (after confirming)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mentorship import webhooks as events
from mentorship.access import get_program_for_admin, get_webhook_for_admin
from mentorship.models import WebhookEndpoint
from notifications import webhooks

MAX_ENDPOINTS = 20  # per program


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=gettext_lazy("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("An https:// address that accepts POSTs."),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=list(events.EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "format", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhooks.validate_url(url)
        return url


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_list(request, slug):
    program = get_program_for_admin(request.user, slug)
    endpoints = list(program.webhooks.all())
    posted = request.POST if request.method == "POST" else None
    form = EndpointForm(posted, initial={"events": list(events.EVENTS)})
    status = 200
    if request.method == "POST":
        if len(endpoints) >= MAX_ENDPOINTS:
            form.add_error(None, _("A program has at most %(n)s endpoints.") % {"n": MAX_ENDPOINTS})
        if form.is_valid():
            endpoint = form.save(commit=False)
            endpoint.program = program
            endpoint.created_by = request.user
            endpoint.save()
            messages.success(request, _("Endpoint added. Its signing secret is on its page."))
            return redirect("programs:webhook", program.slug, endpoint.pk)
        status = 422
    for endpoint in endpoints:
        endpoint.last = webhooks.last_for(endpoint.target)
    return render(
        request,
        "programs/webhooks.html",
        {"program": program, "endpoints": endpoints, "form": form},
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request, slug, pk):
    endpoint = get_webhook_for_admin(request.user, slug, pk)
    form = EndpointForm(request.POST if request.method == "POST" else None, instance=endpoint)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Endpoint saved."))
        return redirect("programs:webhook", slug, endpoint.pk)
    return render(
        request,
        "programs/webhook.html",
        {
            "program": endpoint.program,
            "endpoint": endpoint,
            "form": form,
            "last": webhooks.last_for(endpoint.target),
            "deliveries": webhooks.recent_for(endpoint.target),
        },
        status=422 if form.is_bound else 200,  # a valid POST has redirected
    )


@login_required
@require_POST
def endpoint_resend(request, slug, pk):
    endpoint = get_webhook_for_admin(request.user, slug, pk)
    count = webhooks.resend_failed(endpoint.target)
    messages.success(request, _("%(n)s failed deliveries queued again.") % {"n": count})
    return redirect("programs:webhook", slug, endpoint.pk)


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(request, slug, pk):
    endpoint = get_webhook_for_admin(request.user, slug, pk)
    if request.method == "POST":
        endpoint.delete()  # pending deliveries are skipped at send time: no endpoint
        messages.success(request, _("Endpoint removed."))
        return redirect("programs:webhooks", slug)
    return render(
        request, "programs/webhook_delete.html", {"program": endpoint.program, "endpoint": endpoint}
    )
