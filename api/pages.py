"""The account page for personal API tokens: create (shown once), list, revoke (confirmed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api import tokens
from api.forms import TokenForm
from api.models import ApiToken


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                token, raw = tokens.create(
                    request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
                )
            except tokens.TokenError as exc:
                form.add_error(None, str(exc))
                status = 422
            else:
                # Shown in this response only: never stored, never in a redirect or a message.
                created = {"token": token, "raw": raw}
                form = TokenForm()
        else:
            status = 422
    return render(
        request,
        "api/tokens.html",
        {"form": form, "created": created, "tokens": tokens.active_for(request.user)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    # A person's own tokens only: anyone else's is 404, as if it did not exist.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at__isnull=True)
    if request.method == "POST":
        tokens.revoke(token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("api:tokens")
    return render(request, "api/token_revoke.html", {"token": token})
