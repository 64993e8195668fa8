"""Sign-in attempt and password-reset limiting, per account and per address, in the cache.

Failed sign-ins are counted in two sliding windows (approximated with two fixed buckets, the
usual "sliding window counter"): one per account (the email typed, normalised) and one per
client address (IPv6 grouped by /64). Past a limit the sign-in page answers HTTP 429 with a
clear message and a Retry-After header, whatever the password, until the window has moved on:
a lockout always ends by itself. A successful sign-in clears its account's count.

Password-reset requests are counted the same way (every request, not only failures):
past the address limit the page answers 429; past the account limit it says what it always
says but sends nothing more, so it never reveals whether an account exists. Like a refused
sign-in, a request refused for its account does not count for that account: only emails
sent do, so nobody can keep an account's owner from ever getting a reset email.

Failures are counted wherever a sign-in fails (the `user_login_failed` signal, connected in
MentorshipConfig.ready()): the site's sign-in page and Django admin's share the counters, and
both refuse past the limit with 429. A wrong old password on the password-change page counts
as a failed sign-in of that account too.

The counts live in the default cache, so they are shared by every gunicorn worker when the
cache is Redis (CACHE_URL / REDIS_URL). If the cache itself fails, sign-in is never blocked
and never answers 500: the limiter steps aside and logs a warning.
"""

import hashlib
import ipaddress
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.forms import ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.utils.translation import ngettext

from mentorship.models.users import normalize_email

log = logging.getLogger(__name__)

DEFAULTS = {"ACCOUNT": 5, "ADDRESS": 20, "WINDOW": 15 * 60}
RESET_DEFAULTS = {"ACCOUNT": 3, "ADDRESS": 10, "WINDOW": 60 * 60}
LOGIN, RESET = "login-fail", "reset"
SCOPES = ("account", "address")


def _config(kind=LOGIN):
    if kind == RESET:
        return {**RESET_DEFAULTS, **getattr(settings, "PASSWORD_RESET_RATE_LIMIT", {})}
    return {**DEFAULTS, **getattr(settings, "LOGIN_RATE_LIMIT", {})}


@dataclass(frozen=True)
class Verdict:
    blocked: bool
    retry_after: int = 0  # seconds
    scope: str = ""  # "account" or "address" when blocked


def client_address(request):
    """The caller's address: REMOTE_ADDR, or the one the Nth trusted proxy saw."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [
            a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
        ]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _digest(value):
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _subjects(request, username, config, scopes=SCOPES):
    """{scope: (cache key part, limit)} for the scopes asked for that apply."""
    subjects = {}
    if "address" in scopes:
        subjects["address"] = ("ip:" + _digest(client_address(request)), config["ADDRESS"])
    email = normalize_email(username)
    if email and "account" in scopes:
        subjects["account"] = ("acct:" + _digest(email), config["ACCOUNT"])
    return subjects


def _keys(subject, now, window, kind=LOGIN):
    bucket = int(now // window)
    return f"{kind}:{subject}:{bucket}", f"{kind}:{subject}:{bucket - 1}"


def _weighted(counts, current, previous, now, window):
    elapsed = (now % window) / window
    return counts.get(current, 0) + counts.get(previous, 0) * (1 - elapsed)


def _retry_after(cur, prev, limit, now, window):
    """Seconds until the weighted count drops below the limit (no new failures)."""
    elapsed = now % window
    # Still in this bucket: prev decays linearly; cur stays.
    if cur < limit and prev:
        need = 1 - (limit - cur) / prev  # fraction of the window that must have passed
        if need * window > elapsed:
            return math.ceil(need * window - elapsed) + 1
    # Next bucket: cur becomes prev and decays from full weight.
    rest = window - elapsed
    if cur >= limit:
        rest += (1 - limit / cur) * window if cur else 0
    return math.ceil(rest) + 1


def check(request, username, kind=LOGIN, scopes=SCOPES):
    """Whether this sign-in attempt (or reset request) must be refused right now."""
    config = _config(kind)
    window, now = config["WINDOW"], time.time()
    subjects = _subjects(request, username, config, scopes)
    keys = {
        scope: _keys(subject, now, window, kind) for scope, (subject, _limit) in subjects.items()
    }
    try:
        counts = cache.get_many([k for pair in keys.values() for k in pair])
    except Exception:
        log.warning("sign-in rate limit: cache unavailable, not limiting", exc_info=True)
        return Verdict(False)
    worst = Verdict(False)
    for scope in ("account", "address"):
        if scope not in subjects:
            continue
        limit = subjects[scope][1]
        current, previous = keys[scope]
        if _weighted(counts, current, previous, now, window) >= limit:
            wait = _retry_after(counts.get(current, 0), counts.get(previous, 0), limit, now, window)
            if wait > worst.retry_after:
                worst = Verdict(True, min(wait, 2 * window), scope)
    return worst


def record(request, username, kind=LOGIN, scopes=SCOPES):
    """Count one failed sign-in (or one reset request) for the account and the address."""
    config = _config(kind)
    window, now = config["WINDOW"], time.time()
    for subject, _limit in _subjects(request, username, config, scopes).values():
        current, _previous = _keys(subject, now, window, kind)
        try:
            cache.add(current, 0, timeout=2 * window)
            cache.incr(current)
        except ValueError:  # expired between add and incr
            cache.set(current, 1, timeout=2 * window)
        except Exception:
            log.warning("sign-in rate limit: cannot record a failure", exc_info=True)
            return


def clear_account(request, username):
    config = _config()
    subjects = _subjects(request, username, config, scopes=("account",))
    if not subjects:
        return
    window, now = config["WINDOW"], time.time()
    try:
        cache.delete_many(list(_keys(subjects["account"][0], now, window)))
    except Exception:
        log.warning("sign-in rate limit: cannot clear a count", exc_info=True)


def _refusal(view, verdict, text):
    """The view's page with `text` as the form's error: HTTP 429 with Retry-After.

    The form is bound (what was typed stays) but never validated: validating a sign-in
    would try the password, which is exactly what is refused."""
    form = view.get_form()
    form._errors, form.cleaned_data = ErrorDict(), {}
    form.add_error(None, text)
    response = view.render_to_response(view.get_context_data(form=form))
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _minutes(verdict):
    return max(1, math.ceil(verdict.retry_after / 60))


def message(verdict):
    minutes = _minutes(verdict)
    return ngettext(
        "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again, "
        "or reset your password.",
        "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again, "
        "or reset your password.",
        minutes,
    ) % {"minutes": minutes}


class RateLimitedLoginView(auth_views.LoginView):
    """Django's LoginView, refusing attempts past the limits with HTTP 429."""

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        verdict = check(request, username)
        if verdict.blocked:
            log.info("sign-in refused: too many failures (%s)", verdict.scope)
            return _refusal(self, verdict, message(verdict))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        clear_account(self.request, self.request.POST.get("username", ""))
        return super().form_valid(form)


def on_login_failed(sender, credentials, request=None, **kwargs):
    """user_login_failed: count the failure, whichever sign-in page it came from."""
    if request is not None:
        record(request, credentials.get("username") or credentials.get("email") or "")


VERDICT = "_sign_in_rate_limit"  # the request attribute AdminSite.login leaves for its form


class RateLimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """Django admin's sign-in form; past the limit it refuses before trying the password."""

    def clean(self):
        verdict = getattr(self.request, VERDICT, None)
        if verdict is not None and verdict.blocked:
            raise ValidationError(message(verdict), code="rate_limited")
        return super().clean()


def admin_login(site_login, request, extra_context=None):
    """AdminSite.login with the site's limits: HTTP 429 and Retry-After past them."""
    verdict = None
    if request.method == "POST":
        verdict = check(request, request.POST.get("username", ""))
        setattr(request, VERDICT, verdict)
        if verdict.blocked:
            log.info("admin sign-in refused: too many failures (%s)", verdict.scope)
    response = site_login(request, extra_context)
    if verdict is not None and verdict.blocked:
        response.status_code = 429
        response["Retry-After"] = str(verdict.retry_after)
    return response


class RateLimitedPasswordChangeView(auth_views.PasswordChangeView):
    """Django's PasswordChangeView; wrong old passwords count as failed sign-ins of the
    account, so a borrowed session cannot be used to guess the password."""

    def _username(self):
        return self.request.user.email

    def post(self, request, *args, **kwargs):
        verdict = check(request, self._username())
        if verdict.blocked:
            log.info("password change refused: too many wrong passwords (%s)", verdict.scope)
            return _refusal(self, verdict, change_message(verdict))
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            record(self.request, self._username())
        return super().form_invalid(form)


def change_message(verdict):
    minutes = _minutes(verdict)
    return ngettext(
        "Too many wrong passwords. Please wait %(minutes)d minute and try again.",
        "Too many wrong passwords. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def reset_message(verdict):
    minutes = _minutes(verdict)
    return ngettext(
        "Too many password reset requests from your network. Please wait %(minutes)d minute "
        "and try again.",
        "Too many password reset requests from your network. Please wait %(minutes)d minutes "
        "and try again.",
        minutes,
    ) % {"minutes": minutes}


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's PasswordResetView, limited so that nobody can flood an inbox with resets."""

    def post(self, request, *args, **kwargs):
        verdict = check(request, "", RESET, scopes=("address",))
        if verdict.blocked:
            log.info("password reset refused: too many requests from one address")
            return _refusal(self, verdict, reset_message(verdict))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if check(self.request, email, RESET, scopes=("account",)).blocked:
            # The same page as always (no hint whether the account exists), no email; the
            # address counts the request, the account does not (it would never unlock).
            record(self.request, email, RESET, scopes=("address",))
            log.info("password reset email not sent: too many for one account")
            return HttpResponseRedirect(self.get_success_url())
        record(self.request, email, RESET)
        return super().form_valid(form)
