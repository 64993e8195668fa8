"""Email pages: preferences, failed emails for admins, one-click unsubscribe, and the
development outbox.

A link's GET only shows what it will do; the POST does it. Only unsubscribe is exempt
from CSRF: RFC 8058 one-click POSTs come from mail clients without cookies, and its
signed token is the credential. The confirm pages' forms carry a CSRF token.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from notifications import dev_outbox, links, outbox, webhooks
from notifications.models import Channel, EmailPreference
from notifications.registry import LISTS


class PreferencesForm(forms.ModelForm):
    chat_webhook_url = forms.URLField(
        label=gettext_lazy("Incoming webhook URL"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy(
            "For Slack or Teams: the https:// address of an incoming webhook for a channel "
            "or chat only you read."
        ),
    )
    nudge_weekday = forms.TypedChoiceField(
        label=gettext_lazy("Weekly nudge day"),
        choices=[("", gettext_lazy("The program's day"))] + sorted(WEEKDAYS.items()),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("It arrives at 9:00 in your own time zone."),
    )

    class Meta:
        model = EmailPreference
        fields = [
            "reminders",
            "nudges",
            "agenda_nudges",
            "digests",
            "checkins",
            "pair_notices",
            "nudge_weekday",
            "channel",
            "chat_webhook_url",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].required = False  # a form without it means email

    def clean(self):
        data = super().clean()
        data["channel"] = data.get("channel") or Channel.EMAIL
        url = (data.get("chat_webhook_url") or "").strip()
        if data["channel"] != Channel.EMAIL and not url:
            self.add_error("chat_webhook_url", _("Give the incoming webhook's address."))
        elif url:
            try:
                webhooks.validate_url(url)
            except ValidationError as exc:
                self.add_error("chat_webhook_url", exc)
        return data


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    pref = links.preferences_for(request.user)
    is_admin = outbox.is_email_admin(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=pref)
    for email_list in LISTS.values():
        if email_list.admins_only and not is_admin:
            del form.fields[email_list.name]
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your email preferences are saved."))
        return redirect("emails:preferences")
    failed_count = outbox.failed_for_admin(request.user).count() if is_admin else 0
    return render(
        request,
        "emails_pages/preferences.html",
        {"form": form, "is_admin": is_admin, "failed_count": failed_count},
    )


FAILED_PER_PAGE = 50


@login_required
def failed(request):
    if not outbox.is_email_admin(request.user):
        raise Http404
    page = Paginator(outbox.failed_for_admin(request.user), FAILED_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "emails_pages/failed.html", {"page": page})


class ResendForm(forms.Form):
    """Which failed emails to resend: one (id) or all the admin may see."""

    id = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    all = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("id"):
            raise forms.ValidationError("Choose an email, or all.")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def resend_failed(request):
    """GET: what will be resent, with a button; POST (CSRF): put it back in the queue."""
    if not outbox.is_email_admin(request.user):
        raise Http404
    form = ResendForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise Http404
    ids = None if form.cleaned_data["all"] else [form.cleaned_data["id"]]
    rows = outbox.failed_for_admin(request.user)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    count = rows.count()
    if ids is not None and not count:
        raise Http404  # not failed, or not one this admin may see: the same answer
    if request.method == "GET":
        return render(
            request,
            "emails_pages/resend_confirm.html",
            {"count": count, "row": rows.first() if ids else None, "form": form},
        )
    resent = outbox.resend_failed(request.user, ids)
    messages.success(
        request,
        _("%(count)s email(s) put back in the queue; they are being sent now.") % {"count": resent},
    )
    return redirect("emails:failed")


def link_problem(request, error):
    """The page for a link that cannot be used (a links.LinkError)."""
    return render(
        request,
        "emails_pages/link_problem.html",
        {"title": error.title, "message": error.message},
        status=error.status,
    )


def link_page(request, title, message, button=None, status=200):
    """A one-click link's page: what it will do (with a button to POST) or what it did."""
    return render(
        request,
        "emails_pages/link_page.html",
        {"title": title, "message": message, "button": button},
        status=status,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        link = links.resolve_unsubscribe(token)
    except links.LinkError as error:
        return link_problem(request, error)
    name = LISTS[link.obj].label
    if request.method == "GET":
        if not getattr(links.preferences_for(link.user), link.obj):
            return link_page(
                request,
                _("Already unsubscribed"),
                _("%(email)s no longer gets %(list)s.") % {"email": link.user.email, "list": name},
            )
        return link_page(
            request,
            _("Unsubscribe?"),
            _(
                "%(email)s will no longer get %(list)s. "
                "You can turn it back on in your email preferences."
            )
            % {"email": link.user.email, "list": name},
            button=_("Unsubscribe"),
        )
    changed = links.unsubscribe(link)
    return link_page(
        request,
        _("Unsubscribed") if changed else _("Already unsubscribed"),
        _("%(email)s no longer gets %(list)s.") % {"email": link.user.email, "list": name},
    )


def dev_outbox_list(request):
    if not dev_outbox.may_read(request):
        raise Http404
    return render(request, "notifications/outbox.html", {"messages_": dev_outbox.read_outbox()})


def dev_outbox_message(request, message_id):
    if not dev_outbox.may_read(request):
        raise Http404
    message = dev_outbox.find_message(message_id)
    if message is None:
        raise Http404
    return render(request, "notifications/outbox_message.html", {"message": message})


def dev_outbox_html(request, message_id):
    """The HTML part alone, sandboxed: an email's markup cannot run in our origin."""
    if not dev_outbox.may_read(request):
        raise Http404
    message = dev_outbox.find_message(message_id)
    if message is None or not message["html"]:
        raise Http404
    response = HttpResponse(message["html"])
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
