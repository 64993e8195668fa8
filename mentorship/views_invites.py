"""Invitations: the admin's list, invite, resend, revoke; and the invitee's accept page."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mentorship import access, admin_invites, invites
from mentorship.forms import AcceptInviteForm, InviteForm


def _report(request, sent, skipped=(), say_none=False):
    # Queued through the outbox: if the mail server is down it retries, and a failure for
    # good shows on the failed-email page.
    if sent or say_none:
        messages.success(
            request,
            ngettext("Sent %(n)d invitation.", "Sent %(n)d invitations.", sent) % {"n": sent},
        )
    for message in skipped:
        messages.info(request, message)


@login_required
def invite_list(request, slug):
    program = access.get_program_for_admin(request.user, slug)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent, skipped = invites.invite_many(
            program, form.cleaned_data["emails"], request.user, role=form.cleaned_data["role"]
        )
        _report(request, sent, skipped)
        return redirect("programs:invites", slug)
    return render(
        request,
        "programs/invites.html",
        {
            "program": program,
            "form": form,
            "invites": program.invites.order_by("-created_at")[:500],
            "not_yet_invited": invites.not_yet_invited(program).count(),
        },
    )


@login_required
@require_POST
def invite_imported(request, slug):
    """Invite everyone marked "invited" (e.g. imported) who has no pending invitation yet."""
    program = access.get_program_for_admin(request.user, slug)
    emails = list(invites.not_yet_invited(program).values_list("user__email", flat=True)[:200])
    sent, _skipped = invites.invite_many(program, emails, request.user)
    _report(request, sent, say_none=True)
    return redirect("programs:invites", slug)


@login_required
@require_POST
def invite_resend(request, slug, pk):
    invite = access.get_invite_for_admin(request.user, slug, pk)
    try:
        invites.resend(invite)
        messages.success(
            request,
            _("Sent a new link to %(email)s; the older link no longer works.")
            % {"email": invite.email},
        )
    except invites.InviteError as exc:
        messages.error(request, str(exc))
    return redirect("programs:invites", slug)


@login_required
@require_POST
def invite_revoke(request, slug, pk):
    invite = access.get_invite_for_admin(request.user, slug, pk)
    try:
        invites.revoke(invite)
        messages.success(
            request, _("Revoked the invitation to %(email)s.") % {"email": invite.email}
        )
    except invites.InviteError as exc:
        messages.error(request, str(exc))
    return redirect("programs:invites", slug)


@never_cache
def accept_invite(request, token):
    """Anyone holding a valid link may see it; the signature is the access check."""
    try:
        invite = invites.load(token)
    except invites.InviteError as exc:
        return render(request, "programs/invite_invalid.html", {"error": str(exc)}, status=410)
    program = invite.program
    user = invites.invited_user(invite)
    context = {"invite": invite, "program": program}
    onboarding = reverse("programs:onboarding", args=[program.slug])

    if user is not None and not invites.is_placeholder(user):
        # An existing account: sign in as that person, then join.
        if not request.user.is_authenticated:
            context["login_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
            return render(request, "programs/invite_signin.html", context)
        if request.user.pk != user.pk:
            context["wrong_user"] = True
            return render(request, "programs/invite_signin.html", context, status=403)
        if request.method == "POST":
            invites.accept_existing(invite, request.user)
            messages.success(request, _("Welcome to %(program)s!") % {"program": program.name})
            return redirect(onboarding)
        return render(request, "programs/invite_join.html", context)

    if request.user.is_authenticated:
        context["wrong_user"] = True
        return render(request, "programs/invite_signin.html", context, status=403)
    initial = {"display_name": user.display_name if user else "", "time_zone": "UTC"}
    if user is not None:
        initial["time_zone"] = user.time_zone
    form = AcceptInviteForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        participant = invites.accept_new(
            invite,
            form.cleaned_data["password1"],
            display_name=form.cleaned_data["display_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        login(request, participant.user, backend="mentorship.auth.EmailBackend")
        messages.success(
            request,
            _("Your account is ready. Now tell %(program)s about yourself.")
            % {"program": program.name},
        )
        return redirect(onboarding)
    context["form"] = form
    return render(request, "programs/invite_accept.html", context)


@never_cache
@login_required
def accept_admin_invite(request, token):
    """GET: what accepting means; POST: accept. Only the invited account may."""
    try:
        invite = admin_invites.load(token)
    except admin_invites.AdminInviteError as exc:
        return render(request, "programs/invite_invalid.html", {"error": str(exc)}, status=410)
    context = {"invite": invite, "program": invite.program}
    if request.user.pk != invite.user_id:
        context["wrong_user"] = True
        return render(request, "programs/admin_invite.html", context, status=403)
    if request.method == "POST":
        try:
            admin_invites.accept(invite, request.user)
        except admin_invites.AdminInviteError as exc:
            return render(request, "programs/invite_invalid.html", {"error": str(exc)}, status=410)
        messages.success(
            request, _("You now help run %(program)s.") % {"program": invite.program.name}
        )
        return redirect("programs:detail", invite.program.slug)
    return render(request, "programs/admin_invite.html", context)
