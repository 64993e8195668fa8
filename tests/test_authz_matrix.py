"""Who gets what at every URL: the whole root URLconf against a table of expected outcomes.

Every URL pattern is walked (django.urls.get_resolver), turned into a concrete URL with
sample kwargs from the shared `World`, and requested as each persona. The answer must be
the one in MATRIX below. A pattern with no row FAILS (test_every_url_pattern_has_a_row)
naming it, so a new page cannot ship without deciding who may see it.

Adding a row for your URL name ("namespace:name"):

    "pairs:detail": Row(
        get=expect(LOGIN, participant=200, partner=200, program_admin=200, superuser=200),
        # the default (first argument) covers every persona not named; anonymous gets it
        # too unless named: use signed_in(...) for "anonymous is sent to sign in".
        post=None,                                  # or {...} like get: it takes POST
        kwargs=lambda w: {"pk": w.pair.pk},        # or leave out: SAMPLES by kwarg name
        data=lambda w: {"field": "value"},          # the POST body (default: empty)
    ),

Outcomes: an HTTP status (200, 403, 404, 405, 429, …), LOGIN (302 to our sign-in page),
ADMIN_LOGIN (302 to the admin sign-in page) or REDIRECT (any other 3xx).
Personas (tests/factories.World): anonymous; participant (the pair's mentee); partner (the
pair's mentor); other_participant (same program, not in the pair); program_admin;
other_program_admin (admin of another program); stranger (signed in, in no program);
superuser.

Posting here never enforces CSRF (tests/test_security_csrf.py does, for every row that has
`post`).
"""

import re
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api_helpers import api_client, token_for

PERSONAS = [
    "anonymous",
    "participant",
    "partner",
    "other_participant",
    "program_admin",
    "other_program_admin",
    "stranger",
    "superuser",
]
SIGNED_IN = PERSONAS[1:]
LOGIN, ADMIN_LOGIN, REDIRECT = "login", "admin-login", "redirect"


def expect(default, **by_persona):
    """Outcome per persona: `default` for every persona not named."""
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, f"unknown personas {unknown}; use {PERSONAS}"
    return {p: by_persona.get(p, default) for p in PERSONAS}


def signed_in(default, **by_persona):
    """Anonymous is sent to sign in; the others as given."""
    return expect(default, **{"anonymous": LOGIN, **by_persona})


def only_superuser(outcome=200, others=ADMIN_LOGIN):
    return expect(others, superuser=outcome)


def persona_user(world, persona):
    return {
        "anonymous": None,
        "participant": world.mentee.user,
        "partner": world.mentor.user,
        "other_participant": world.other.user,
        "program_admin": world.admin,
        "other_program_admin": world.other_admin,
        "stranger": world.stranger,
        "superuser": world.superuser,
    }[persona]


@dataclass
class Row:
    get: dict
    post: dict | None = None  # None: the URL takes no POST (not state-changing)
    kwargs: object = None  # dict, or callable(world) -> dict; default: SAMPLES by name
    data: object = None  # POST body: dict or callable(world) -> dict
    path: object = None  # callable(world) -> path, for patterns that cannot be reversed
    note: str = ""
    extra: dict = field(default_factory=dict)
    # The REST API: each persona sends a read-write personal token (anonymous: none), not
    # a session cookie; 401 is the answer without valid credentials.
    api: bool = False


# Sample values by kwarg name, used when a row gives no kwargs of its own.
SAMPLES = {
    "slug": lambda w: w.program.slug,
    "program_slug": lambda w: w.program.slug,
    "pair_id": lambda w: w.pair.pk,
    "uidb64": lambda w: "MQ",
    "token": lambda w: "not-a-real-token",
    "message_id": lambda w: "no-such-message",
    "app_label": lambda w: "mentorship",
}

# The usual shapes (mentorship/access.py and the apps' access helpers): the program's admins
# and the superuser may; its participants get 403 (read-only/no right); everyone else 404.
ADMIN_PAGE = signed_in(403, program_admin=200, other_program_admin=404, stranger=404, superuser=200)
ADMIN_ACTION = signed_in(
    403, program_admin=REDIRECT, other_program_admin=404, stranger=404, superuser=REDIRECT
)


ADMIN_FORM_422 = signed_in(
    403, program_admin=422, other_program_admin=404, stranger=404, superuser=422
)


def PARTICIPANTS_ONLY(outcome):  # noqa: N802 - reads as a constant in the table
    return signed_in(404, participant=outcome, partner=outcome, other_participant=outcome)


def PAIR_WRITE(outcome):  # noqa: N802
    """The pair's two people; admins may look but not write (403); others 404."""
    return signed_in(404, participant=outcome, partner=outcome, program_admin=403, superuser=403)


def GOAL_OWNER(outcome):  # noqa: N802
    """A goal (the mentee's, shared): its owner writes; the partner reads it but may not
    write (403); admins never read goal text (403); others 404."""
    return signed_in(404, participant=outcome, partner=403, program_admin=403, superuser=403)


def API(default, **by_persona):  # noqa: N802
    """A REST API answer: anonymous (no token) gets 401; the others as given."""
    return expect(default, **{"anonymous": 401, **by_persona})


API_PAIR_READ = API(
    404, participant=200, partner=200, program_admin=200, superuser=200
)  # pairs.access.get_pair_for_user

DEV_ONLY = "development outbox: tests run with DEBUG off, so 404 for everyone"


def sample(world, name):
    """Objects the World does not have, made once per test on first use (by kwargs lambdas)."""
    cache = world.__dict__.setdefault("_samples", {})
    if name not in cache:
        cache[name] = _make_sample(world, name)
    return cache[name]


def _make_sample(w, name):
    import datetime

    from django.utils import timezone

    from tests.factories import make_action, make_session

    if name == "session":
        return make_session(w.pair, author=w.mentee.user)
    if name == "action":
        return make_action(w.pair)
    if name == "invite":
        from mentorship.models import Invite

        return Invite.objects.create(program=w.program, email="invitee@example.com")
    if name == "import_batch":
        from mentorship.models import ImportBatch

        return ImportBatch.objects.create(program=w.program, created_by=w.admin)
    if name == "match_run":
        from pairs.models import MatchRun

        return MatchRun.objects.create(program=w.program)
    if name == "suggestion":
        from pairs.models import Suggestion

        run = sample(w, "match_run")
        return Suggestion.objects.create(run=run, mentor=w.mentor, mentee=w.other, score=1.0)
    if name == "pair_request":  # other_participant asks partner (the mentor)
        from pairs.models import PairRequest

        return PairRequest.objects.create(
            program=w.program,
            requester=w.other,
            recipient=w.mentor,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    if name == "goal":
        from sessions.models import Goal

        return Goal.objects.create(
            pair=w.pair,
            owner=w.mentee.user,
            side="mentee",
            text="Lead a retro",
            target_on=timezone.localdate() + datetime.timedelta(days=60),
        )
    if name == "scim_token":
        from mentorship import scim_tokens

        return scim_tokens.create(w.program, "Okta", w.admin)[0]
    if name == "site_scim_token":
        from mentorship import scim_tokens

        return scim_tokens.create(None, "Entra", w.superuser)[0]
    if name == "webhook":
        from mentorship.models import WebhookEndpoint

        return WebhookEndpoint.objects.create(
            program=w.program, url="https://example.com/hook", events=["pair.ended"]
        )
    if name == "api_token":  # the mentee's own
        from api import tokens

        return tokens.create(w.mentee.user, "matrix", "read")[0]
    if name == "calendar_feed":
        from sessions.models import CalendarFeed

        return CalendarFeed.objects.create(user=w.mentee.user)
    if name == "checkin":  # the participant's (the pair's mentee) check-in
        from checkins.models import CheckIn

        return CheckIn.objects.create(
            pair=w.pair, user=w.mentee.user, round=1, due_at=timezone.now()
        )
    if name == "help_request":
        from checkins.models import HelpRequest

        return HelpRequest.objects.create(pair=w.pair, user=w.mentee.user, kind="help")
    raise KeyError(name)


MATRIX = {
    # --- mentorship: dashboard, health, accounts -------------------------------------------
    "home": Row(get=signed_in(200)),
    "healthz": Row(get=expect(200)),
    "set_language": Row(get=expect(405), post=expect(REDIRECT)),  # anyone may switch
    "login": Row(
        get=expect(REDIRECT, anonymous=200),  # signed in: straight to the dashboard
        post=expect(REDIRECT, anonymous=200),  # empty form: errors, never a 500
    ),
    "account_login": Row(  # the same page, under the name allauth's flows use
        get=expect(REDIRECT, anonymous=200), post=expect(REDIRECT, anonymous=200)
    ),
    "logout": Row(get=expect(405), post=expect(LOGIN)),
    # --- single sign-on (mentorship/sso_urls.py): no provider is configured in the World, so
    # the provider endpoints answer 404 for everyone; the journeys: tests/test_sso_*.py.
    "openid_connect_login": Row(
        get=expect(404), post=expect(404), kwargs={"provider_id": "no-such-provider"}
    ),
    "openid_connect_callback": Row(get=expect(404), kwargs={"provider_id": "no-such-provider"}),
    "saml_login": Row(get=expect(404), post=expect(404), kwargs={"organization_slug": "nope"}),
    # Posted to by the identity provider (CSRF-exempt, the signed assertion is the proof).
    # (ACS stashes the answer and redirects to finish, which finds no such provider: 404.)
    "saml_acs": Row(get=expect(REDIRECT), kwargs={"organization_slug": "nope"}),
    "saml_finish_acs": Row(get=expect(404), kwargs={"organization_slug": "nope"}),
    "saml_metadata": Row(get=expect(404), kwargs={"organization_slug": "nope"}),
    "saml_sls": Row(get=expect(404), kwargs={"organization_slug": "nope"}),
    "sso_no_program": Row(get=signed_in(200)),
    "socialaccount_login_cancelled": Row(get=expect(200)),
    "account_inactive": Row(get=expect(403), note="the refusal page for a disabled account"),
    "socialaccount_signup": Row(get=expect(403), note="no sign-up form: a refusal page"),
    # --- provisioning tokens: program admins for their program, staff for the site --------
    "programs:provisioning": Row(get=ADMIN_PAGE, post=ADMIN_PAGE),  # empty form: errors
    "programs:provisioning_revoke": Row(
        get=ADMIN_PAGE, post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "scim_token").pk}
    ),
    "site_provisioning": Row(get=signed_in(403, superuser=200), post=signed_in(403, superuser=200)),
    "site_provisioning_revoke": Row(
        get=signed_in(403, superuser=200),
        post=signed_in(403, superuser=REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "site_scim_token").pk},
    ),
    # --- SCIM 2.0 (mentorship/scim.py): a provisioning token or 401, whoever is signed in;
    # CSRF-exempt (bearer tokens, no cookies), so no post rows: writes are in test_scim.py.
    "scim:root": Row(get=expect(401)),
    "scim:users": Row(get=expect(401), kwargs={"uuid": 1}),
    "scim:users-search": Row(get=expect(401)),
    "scim:groups": Row(get=expect(401), kwargs={"uuid": "x"}),
    "scim:resource-types": Row(get=expect(401), kwargs={"uuid": "User"}),
    "scim:schemas": Row(get=expect(401), kwargs={"uuid": "x"}),
    "scim:service-provider-config": Row(get=expect(401)),
    "password_change": Row(get=signed_in(200), post=signed_in(200)),
    "password_change_done": Row(get=signed_in(200)),
    "password_reset": Row(get=expect(200), post=expect(200)),
    "password_reset_done": Row(get=expect(200)),
    "password_reset_confirm": Row(get=expect(200), post=expect(200), note="invalid link page"),
    "password_reset_complete": Row(get=expect(200)),
    "dev_outbox": Row(get=expect(404), note=DEV_ONLY),
    "dev_outbox_message": Row(get=expect(404), note=DEV_ONLY),
    "dev_outbox_html": Row(get=expect(404), note=DEV_ONLY),
    # --- emails: preferences, undelivered emails, one-click links -------------------------
    "emails:preferences": Row(get=signed_in(200), post=signed_in(REDIRECT)),
    "emails:failed": Row(
        get=signed_in(404, program_admin=200, other_program_admin=200, superuser=200)
    ),
    # GET with no ?id= or ?all= has nothing to confirm; the flow: tests/test_failed_emails.py.
    "emails:resend_failed": Row(
        get=signed_in(404),
        post=signed_in(
            404, program_admin=REDIRECT, other_program_admin=REDIRECT, superuser=REDIRECT
        ),
        data=lambda w: {"all": "on"},
    ),
    # The token is the credential; with a bad one everyone gets the same clear 400 page.
    # Valid, expired, reused and tampered links: tests/test_email_links_views.py.
    "sessions:email_action_done": Row(get=expect(400), post=expect(400)),
    "sessions:email_action_snooze": Row(get=expect(400), post=expect(400)),
    "emails:unsubscribe": Row(
        get=expect(400),
        post=None,
        note="RFC 8058 one-click POST comes from mail clients without cookies: CSRF-exempt",
    ),
    # --- programs: admins run them (403 for participants, 404 for others) ----------------
    # Pages below without post= answer a POST like a GET (no require_GET): not a change.
    "programs:list": Row(get=signed_in(200)),
    "programs:create": Row(
        get=signed_in(403, program_admin=200, other_program_admin=200, superuser=200),
        post=signed_in(403, program_admin=200, other_program_admin=200, superuser=200),
        note="program admins and the superuser may start programs",
    ),
    "programs:detail": Row(get=ADMIN_PAGE),
    "programs:edit": Row(get=ADMIN_PAGE, post=ADMIN_PAGE),
    "programs:participants": Row(get=ADMIN_PAGE),
    "programs:export": Row(get=ADMIN_PAGE),
    "programs:person": Row(
        get=signed_in(200, other_participant=404, other_program_admin=404, stranger=404),
        kwargs=lambda w: {"pk": w.mentee.pk},
        note="the person, their partner and the program's admins",
    ),
    "programs:skills": Row(get=ADMIN_PAGE, post=ADMIN_PAGE),
    "programs:skill_merge": Row(get=signed_in(405), post=ADMIN_ACTION),
    "programs:skill_rename": Row(
        get=signed_in(405),
        post=ADMIN_ACTION,
        kwargs=lambda w: {"pk": w.program.skills.order_by("pk").first().pk},
    ),
    "programs:admin_add": Row(get=signed_in(405), post=ADMIN_ACTION),
    "programs:admin_remove": Row(
        get=signed_in(405),
        post=ADMIN_ACTION,
        kwargs=lambda w: {"user_id": w.admin.pk},
        note="the last admin: refused with a message, nothing removed",
    ),
    "programs:import": Row(
        get=ADMIN_PAGE,
        post=signed_in(
            403, program_admin=422, other_program_admin=404, stranger=404, superuser=422
        ),
        note="an empty upload: 422 with a message",
    ),
    "programs:import_template": Row(get=ADMIN_PAGE),
    "programs:import_confirm": Row(
        # A pending batch is its uploader's (the program admin); others are sent back.
        get=signed_in(
            403, program_admin=200, other_program_admin=404, stranger=404, superuser=REDIRECT
        ),
        post=ADMIN_ACTION,
        kwargs=lambda w: {"batch_id": sample(w, "import_batch").pk},
    ),
    "programs:import_cancel": Row(
        get=signed_in(405),
        post=ADMIN_ACTION,
        kwargs=lambda w: {"batch_id": sample(w, "import_batch").pk},
    ),
    "programs:invites": Row(get=ADMIN_PAGE, post=ADMIN_PAGE),
    # Webhook endpoints: the program's admins. An empty form: 422 with messages.
    "programs:webhooks": Row(get=ADMIN_PAGE, post=ADMIN_FORM_422),
    "programs:webhook": Row(
        get=ADMIN_PAGE, post=ADMIN_FORM_422, kwargs=lambda w: {"pk": sample(w, "webhook").pk}
    ),
    "programs:webhook_resend": Row(
        get=signed_in(405), post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "webhook").pk}
    ),
    "programs:webhook_delete": Row(
        get=ADMIN_PAGE,
        post=signed_in(
            403, program_admin=REDIRECT, other_program_admin=404, stranger=404, superuser=404
        ),
        kwargs=lambda w: {"pk": sample(w, "webhook").pk},
        note="the program admin removes it first, so the superuser (asked last) finds nothing",
    ),
    "programs:invite_imported": Row(get=signed_in(405), post=ADMIN_ACTION),
    "programs:invite_resend": Row(
        get=signed_in(405), post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "invite").pk}
    ),
    "programs:invite_revoke": Row(
        get=signed_in(405), post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "invite").pk}
    ),
    "programs:accept_invite": Row(get=expect(410), post=expect(410), note="bad token: gone"),
    "programs:accept_admin_invite": Row(
        get=signed_in(410), post=signed_in(410), note="bad token: gone, once signed in"
    ),
    # Participants' own pages: the program's participants only.
    "programs:profile": Row(get=PARTICIPANTS_ONLY(REDIRECT)),
    "programs:profile_edit": Row(get=PARTICIPANTS_ONLY(200), post=PARTICIPANTS_ONLY(422)),
    "programs:onboarding": Row(get=PARTICIPANTS_ONLY(200), post=PARTICIPANTS_ONLY(422)),
    # --- pairs: matching (admins), requests and pair status (members) -------------------
    "pairs:matching": Row(get=ADMIN_PAGE),
    "pairs:settings": Row(get=signed_in(405), post=ADMIN_ACTION),
    "pairs:run": Row(get=signed_in(405), post=ADMIN_ACTION),
    "pairs:progress": Row(get=ADMIN_PAGE, kwargs=lambda w: {"run_id": sample(w, "match_run").pk}),
    "pairs:bulk": Row(get=signed_in(405), post=ADMIN_ACTION),
    "pairs:manual": Row(get=ADMIN_PAGE, post=ADMIN_PAGE),
    "pairs:exclusion_add": Row(get=signed_in(405), post=ADMIN_ACTION),
    "pairs:decide": Row(
        get=signed_in(405), post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "suggestion").pk}
    ),
    "pairs:swap": Row(
        get=ADMIN_PAGE, post=ADMIN_ACTION, kwargs=lambda w: {"pk": sample(w, "suggestion").pk}
    ),
    "pairs:suggestions": Row(
        get=signed_in(200, program_admin=404, other_program_admin=404, stranger=404, superuser=403),
        note="peer suggestions for the program's participants",
    ),
    "pairs:request_create": Row(
        get=signed_in(405),
        post=signed_in(
            REDIRECT, program_admin=404, other_program_admin=404, stranger=404, superuser=403
        ),
    ),
    "pairs:request_respond": Row(
        get=signed_in(405),
        post=signed_in(404, partner=REDIRECT, other_participant=REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "pair_request").pk},
        note="its two people only (requester: other_participant, recipient: partner)",
    ),
    "pairs:request_withdraw": Row(
        get=signed_in(405),
        post=signed_in(404, partner=REDIRECT, other_participant=REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "pair_request").pk},
    ),
    "pairs:status": Row(
        get=signed_in(405),
        post=signed_in(REDIRECT, other_participant=404, other_program_admin=404, stranger=404),
        kwargs=lambda w: {"pk": w.pair.pk},
    ),
    # --- sessions: the pair's two people write; admins may look, never write ------------
    "sessions:pair": Row(
        get=signed_in(200, other_participant=404, other_program_admin=404, stranger=404),
        kwargs=lambda w: {"pk": w.pair.pk},
    ),
    "sessions:log": Row(
        get=PAIR_WRITE(200), post=PAIR_WRITE(400), kwargs=lambda w: {"pk": w.pair.pk}
    ),
    "sessions:action_row": Row(get=PAIR_WRITE(200), kwargs=lambda w: {"pk": w.pair.pk}),
    "sessions:schedule": Row(
        get=signed_in(405), post=PAIR_WRITE(REDIRECT), kwargs=lambda w: {"pk": w.pair.pk}
    ),
    "sessions:side": Row(
        get=PAIR_WRITE(200),
        post=PAIR_WRITE(400),
        kwargs=lambda w: {"pk": sample(w, "session").pk},
    ),
    "sessions:ics": Row(get=PAIR_WRITE(200), kwargs=lambda w: {"pk": sample(w, "session").pk}),
    "sessions:action_done": Row(
        get=signed_in(405),
        post=PAIR_WRITE(REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "action").pk},
    ),
    # Goals, the agreement and the agenda: the pair's two people; admins never read them.
    "sessions:goal_new": Row(
        get=PAIR_WRITE(200),
        post=PAIR_WRITE(400),
        kwargs=lambda w: {"pk": w.pair.pk},
        note="an empty goal: 400 with a message",
    ),
    "sessions:goal": Row(
        get=GOAL_OWNER(200) | {"partner": 200},
        kwargs=lambda w: {"pk": sample(w, "goal").pk},
        note="a shared goal: the partner reads it; a private one is 404 (test_goals_views)",
    ),
    "sessions:goal_edit": Row(
        get=GOAL_OWNER(200),
        post=GOAL_OWNER(400),
        kwargs=lambda w: {"pk": sample(w, "goal").pk},
    ),
    "sessions:goal_progress": Row(
        get=signed_in(405),
        post=GOAL_OWNER(REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "goal").pk},
    ),
    "sessions:agreement": Row(
        get=PAIR_WRITE(200),
        post=PAIR_WRITE(REDIRECT) | {"partner": 400},
        kwargs=lambda w: {"pk": w.pair.pk},
        note="the partner posts after the participant saved it: a stale form, 400",
    ),
    "sessions:agenda": Row(
        get=PAIR_WRITE(200),
        post=PAIR_WRITE(400),
        kwargs=lambda w: {"pk": w.pair.pk},
        note="an empty item: 400 with a message",
    ),
    "sessions:calendar": Row(get=signed_in(200)),
    "sessions:calendar_revoke": Row(get=signed_in(405), post=signed_in(REDIRECT)),
    "sessions:feed": Row(
        get=expect(200),
        post=None,
        kwargs=lambda w: {"token": sample(w, "calendar_feed").token},
        note="the secret token is the credential (calendar apps send no cookie)",
    ),
    # --- checkins: a check-in is its author's alone (admins included: 404, never 403) ------
    "checkins:answer": Row(
        get=signed_in(404, participant=200),
        post=signed_in(404, participant=400),  # empty form: "choose how it is going"
        kwargs=lambda w: {"pk": sample(w, "checkin").pk},
    ),
    # The token is the credential; a bad one gets the same clear 400 page for everyone.
    # Valid, expired, for an ended pair: tests/test_checkins_answer.py.
    "checkins:answer_link": Row(get=expect(400), post=expect(400)),
    "checkins:still_going_link": Row(get=expect(400), post=expect(400)),
    "checkins:rematch": Row(
        get=PAIR_WRITE(200), post=PAIR_WRITE(REDIRECT), kwargs=lambda w: {"pk": w.pair.pk}
    ),
    "checkins:still_going": Row(
        get=signed_in(405), post=PAIR_WRITE(REDIRECT), kwargs=lambda w: {"pk": w.pair.pk}
    ),
    "checkins:resolve": Row(
        get=signed_in(405),
        post=ADMIN_ACTION,
        kwargs=lambda w: {"pk": sample(w, "help_request").pk},
    ),
    # --- health: program admins; growth: everyone signed in -----------------------------
    "health:dashboard": Row(get=ADMIN_PAGE),
    "health:export": Row(get=ADMIN_PAGE, kwargs={"kind": "pairs"}),
    "health:nudge_pair": Row(get=signed_in(405), post=ADMIN_ACTION),
    "health:pairs": Row(get=ADMIN_PAGE),
    "health:growth": Row(get=signed_in(200)),
    # --- API tokens page (account area) and the REST API (tests/test_api_v1.py) ------------
    "api:tokens": Row(get=signed_in(200), post=signed_in(422), note="empty form: 422"),
    "api:token_revoke": Row(
        get=signed_in(404, participant=200),
        post=signed_in(404, participant=REDIRECT),
        kwargs=lambda w: {"pk": sample(w, "api_token").pk},
        note="a person's own tokens only",
    ),
    "api:schema": Row(get=expect(200), api=True, note="the OpenAPI document is public"),
    "api:programs": Row(get=API(200), api=True),
    "api:participants": Row(
        get=API(403, program_admin=200, superuser=200, other_program_admin=404, stranger=404),
        api=True,
    ),
    "api:pairs": Row(get=API(200), api=True, note="lists: only what each may see (filtered)"),
    "api:pair": Row(get=API_PAIR_READ, api=True, kwargs=lambda w: {"pk": w.pair.pk}),
    "api:sessions": Row(get=API(200), api=True),
    "api:session": Row(
        get=API_PAIR_READ, api=True, kwargs=lambda w: {"pk": sample(w, "session").pk}
    ),
    "api:actions": Row(get=API(200), api=True),
    "api:action": Row(get=API_PAIR_READ, api=True, kwargs=lambda w: {"pk": sample(w, "action").pk}),
    "api:action_done": Row(
        get=API(405),
        post=API(404, participant=200, partner=200, program_admin=403, superuser=403),
        api=True,
        kwargs=lambda w: {"pk": sample(w, "action").pk},
        note="the pair writes; admins read only (403), as on the pages",
    ),
    "api:checkins": Row(get=API(200), api=True, note="each sees only their own (filtered)"),
    "api:checkin": Row(
        get=API(404, participant=200),  # its author alone, admins included, as on the page
        api=True,
        kwargs=lambda w: {"pk": sample(w, "checkin").pk},
    ),
    # --- Django admin: staff only (only the superuser is staff in the World) ---------------
    "admin:index": Row(get=only_superuser()),
    "admin:login": Row(get=expect(200, superuser=REDIRECT), post=expect(200)),
    # Non-staff are sent to the admin index (then to sign in); LOGOUT_REDIRECT_URL applies.
    "admin:logout": Row(
        get=expect(REDIRECT, superuser=405), post=expect(REDIRECT, superuser=LOGIN)
    ),
    "admin:password_change": Row(get=only_superuser(), post=only_superuser()),
    "admin:password_change_done": Row(get=only_superuser()),
    "admin:autocomplete": Row(get=only_superuser(403), note="no field given: refused"),
    "admin:jsi18n": Row(get=only_superuser()),
    "admin:view_on_site": Row(
        get=only_superuser(404),
        kwargs=lambda w: {"content_type_id": 999999, "object_id": "1"},
    ),
    "admin:app_list": Row(get=only_superuser()),
    "admin:admin/(?P<url>.*)$": Row(get=only_superuser(404), path=lambda w: "/admin/no-such-page/"),
    # Each registered model's changelist/add/history/delete/change pages are checked by
    # ADMIN_MODEL_ROW below (staff only, 200 for the superuser), without rows here.
}

ADMIN_ACTIONS = ("changelist", "add", "history", "delete", "change")


# ---------------------------------------------------------------------------------------
# Walking the URLconf
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:<route>" when unnamed
    route: str  # the full route, for messages
    pattern: URLPattern
    params: tuple


def _params(route):
    found = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return tuple(dict.fromkeys(a or b for a, b in found))


def walk(resolver=None, namespace="", prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace + (entry.namespace + ":" if entry.namespace else "")
            yield from walk(entry, ns, route)
        else:
            key = namespace + (entry.name or route)
            yield Pattern(key, route, entry, _params(route))


def admin_model_row(key):
    """Staff-only outcome for an admin model page; None when `key` is not one."""
    if not key.startswith("admin:"):
        return None
    name = key.removeprefix("admin:")
    for model, _model_admin in admin.site._registry.items():
        base = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(base) and name.removeprefix(base) in ADMIN_ACTIONS:
            return ("model", model, name.removeprefix(base))
        if name == f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/":
            return ("redirect", model, None)
    if name == "auth_user_password_change":
        return ("password", None, None)
    return None


ALL = sorted({p.key: p for p in walk()}.values(), key=lambda p: p.key)
ALL_KEYS = {p.key for p in ALL}


def _row_for(pattern, world):
    generic = admin_model_row(pattern.key)
    if generic is None:
        return MATRIX[pattern.key]
    kind, model, action = generic
    sample = model._default_manager.order_by("pk").first() if model else None
    pk = sample.pk if sample else 999999
    if kind == "password":
        return Row(get=only_superuser(200), kwargs={"id": world.mentee.user.pk})
    if kind == "redirect":
        return Row(
            get=only_superuser(REDIRECT),
            path=lambda w: f"/{pattern.route}".replace("<path:object_id>", str(pk)),
        )
    if action in ("changelist", "add"):
        return Row(get=only_superuser(200))
    # Object pages: 200 for the superuser when an object exists, else a redirect away.
    return Row(get=only_superuser(200 if sample else REDIRECT), kwargs={"object_id": pk})


def concrete_url(pattern, row, world):
    if row.path:
        return row.path(world)
    given = row.kwargs(world) if callable(row.kwargs) else dict(row.kwargs or {})
    kwargs = {}
    for name in pattern.params:
        if name in given:
            kwargs[name] = given[name]
        elif name in SAMPLES:
            kwargs[name] = SAMPLES[name](world)
        else:
            pytest.fail(
                f"{pattern.key} ({pattern.route}) needs a sample for <{name}>: give the row "
                f"kwargs=lambda w: {{{name!r}: ...}} or add {name!r} to SAMPLES.",
                pytrace=False,
            )
    return reverse(pattern.key, kwargs=kwargs)


def outcome_of(response):
    if response.status_code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(reverse("login") + "?") or location == reverse("login"):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return REDIRECT
    return response.status_code


def client_for(world, persona, **client_kwargs):
    client = Client(**client_kwargs)
    user = persona_user(world, persona)
    if user is not None:
        client.force_login(user)
    return client


def request_as(world, persona, method, url, data=None, api=False):
    if api:
        user = persona_user(world, persona)
        client = api_client(token_for(user, "write", "matrix") if user else None)
        if method == "get":
            return client.get(url)
        return client.post(url, data or {}, content_type="application/json")
    client = client_for(world, persona)
    if method == "get":
        return client.get(url)
    return client.post(url, data or {})


# ---------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------


def _row_template(p):
    kwargs = ", ".join(f"{n!r}: ..." for n in p.params if n not in SAMPLES)
    kwargs_part = f", kwargs=lambda w: {{{kwargs}}}" if kwargs else ""
    return f'    "{p.key}": Row(get=signed_in(...), post=None{kwargs_part}),  # {p.route}'


def test_every_url_pattern_has_a_row():
    missing = [p for p in ALL if not has_row(p)]
    assert not missing, (
        f"{len(missing)} URL pattern(s) have no row in MATRIX (tests/test_authz_matrix.py): "
        + ", ".join(p.key for p in missing)
        + ".\nDecide what each persona gets and add to MATRIX, e.g.:\n"
        + "\n".join(_row_template(p) for p in missing)
        + "\nOutcomes: a status, LOGIN, ADMIN_LOGIN or REDIRECT; personas: "
        + ", ".join(PERSONAS)
        + ". Set post={...} when the URL takes POST (it is then CSRF-checked too)."
    )


def test_no_row_for_a_pattern_that_is_gone():
    stale = sorted(set(MATRIX) - ALL_KEYS)
    assert not stale, f"MATRIX rows for URL names that no longer exist: {stale}; remove them."


def test_the_walk_sees_every_app():
    keys = {k.split(":")[0] for k in ALL_KEYS if ":" in k}
    assert {"admin"} <= keys
    assert {"home", "login", "logout", "healthz"} <= ALL_KEYS


def has_row(pattern):
    return pattern.key in MATRIX or admin_model_row(pattern.key) is not None


COVERED = [p for p in ALL if has_row(p)]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", COVERED, ids=[p.key for p in COVERED])
def test_each_persona_gets_what_the_table_says(pattern, world):
    row = _row_for(pattern, world)
    url = concrete_url(pattern, row, world)
    wrong = []
    for method, table in (("get", row.get), ("post", row.post)):
        if table is None:
            continue
        data = row.data(world) if callable(row.data) else row.data
        for persona in PERSONAS:
            response = request_as(world, persona, method, url, data, api=row.api)
            got = outcome_of(response)
            if got != table[persona]:
                wrong.append(
                    f"{method.upper()} {url} as {persona}: got {got}, expected {table[persona]}"
                )
    assert not wrong, f"{pattern.key} ({pattern.route}):\n" + "\n".join(wrong)


def test_outcome_labels_are_real():
    # A table full of LOGIN must mean "sent to our sign-in page", not "any redirect".
    assert re.match(r"^/accounts/login/", reverse("login"))
    assert reverse("admin:login") != reverse("login")
