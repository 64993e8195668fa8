"""Every page each persona reaches, at a phone's 390 x 844 and at 1280 x 900, in headless
Chromium: nothing wider than the screen, no serious or critical axe-core violation (run
through page.evaluate, so the strict CSP stays on), and screenshots of the key pages
saved for a reviewer (SCREENSHOTS_DIR, default test-artifacts/screenshots)."""

import datetime
import os
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from api import tokens
from mentorship import scim_tokens
from mentorship.models import ScimToken, WebhookEndpoint
from notifications import webhooks
from pairs import pairing
from sessions.models import AgendaItem, Agreement, Goal, Milestone, SessionSide
from tests.browser import ARTIFACTS, sign_in
from tests.factories import PASSWORD, World, make_action, make_pair, make_participant, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ARTIFACTS / "screenshots"))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SHOTS = {"login", "provisioning", "no-program", "dashboard", "pair", "log", "side",
         "participants", "pairs", "matching", "health", "email", "goal", "agenda", "agreement",
         "growth", "checkin", "checkin-link", "rematch"}  # fmt: skip


def seed():
    world = World()
    now = timezone.now()
    session = make_session(world.pair, when=now - datetime.timedelta(days=3), topics="Joins")
    SessionSide.objects.create(session=session, author=world.mentee.user, side="mentee",
                               learned="Left joins", questions="Why?")  # fmt: skip
    make_action(world.pair, text="Read chapter 2", owner="mentee")
    make_action(world.pair, text="Send the slides", owner="mentor",
                due_on=timezone.localdate() - datetime.timedelta(days=1))  # fmt: skip
    # Goals on both sides (with milestones and a linked action), the agreement, an agenda.
    goal = Goal.objects.create(pair=world.pair, owner=world.mentee.user, side="mentee",
                               text="Lead a retrospective on my own", why="My team asked",
                               target_on=timezone.localdate() + datetime.timedelta(days=60),
                               status="moving")  # fmt: skip
    Milestone.objects.create(goal=goal, text="Watch one", done=True)
    Milestone.objects.create(goal=goal, text="Run one with help", position=1)
    make_action(world.pair, text="Draft the retro format", owner="mentee", goal=goal)
    Goal.objects.create(pair=world.pair, owner=world.mentor.user, side="mentor",
                        text="Learn Figma basics", shared=False,
                        target_on=timezone.localdate() + datetime.timedelta(days=90))  # fmt: skip
    Agreement.objects.create(pair=world.pair, cadence="Every two weeks", format="Video",
                             mentee_learn="SQL", mentee_confirmed_at=now)  # fmt: skip
    AgendaItem.objects.create(pair=world.pair, author=world.mentor.user, side="mentor",
                              text="How do you pick a design tool?")  # fmt: skip
    # A person in both roles: mentored by Maya, mentoring Olga.
    both = make_participant(world.program, role="both", teaches=["Figma"], learns=["SQL"])
    make_pair(world.mentor, both)
    make_pair(both, world.other)
    for i in range(4):
        make_participant(world.program, role="mentee", learns=["SQL"], teaches=[f"T{i}"])
    run = pairing.start_run(world.program, world.admin)
    pairing.run_matching(run)
    call_command("send_due")  # an email in the development outbox
    # Single sign-on configured, so the sign-in page shows its button; provisioning tokens.
    SocialApp.objects.create(provider="openid_connect", provider_id="acme", name="Acme SSO",
                             client_id="c", secret="s",
                             settings={"server_url": "https://idp.example.com"})  # fmt: skip
    scim_tokens.create(world.program, "Okta production", world.admin)
    scim_tokens.create(None, "Entra", world.superuser)
    seed_checkins(world, now)
    return world, session, both


def seed_checkins(world, now):
    """A check-in to answer, the partner's shared answers, a quiet pair, a help request."""
    from checkins.models import CheckIn, HelpRequest, PairTrack
    from notifications import links

    for n, user in ((1, world.mentor.user), (1, world.mentee.user), (2, world.mentee.user)):
        answered = n == 1
        CheckIn.objects.create(
            pair=world.pair, user=user, round=n, due_at=now - datetime.timedelta(days=n),
            answered_at=now if answered else None, score=4 if answered else None,
            learned="Reading query plans", taught="Figma frames", change="Start on time",
            shared=answered, good_fit=True if answered else None,
        )  # fmt: skip
    PairTrack.objects.filter(pair=world.pair).update(idle_warned_at=now)
    HelpRequest.objects.create(pair=world.pair, user=world.mentee.user, kind="help")
    checkin = CheckIn.objects.get(user=world.mentee.user, round=2)
    world.checkin = checkin
    world.checkin_link = links.make_url("checkin", world.mentee.user, [checkin.pk, 4])
    world.still_going_link = links.make_url("still_going", world.mentee.user, world.pair.pk)


def pages(world, session, both):
    slug = world.program.slug
    api_token, _raw = tokens.create(world.mentor.user, "Calendar sync", "read")
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://hooks.example.com/in", events=["pair.ended"]
    )
    webhooks.record("pair.ended", "k", endpoint.target, {"pair": {"id": 1}})
    pair = world.pair.pk
    member = [
        ("dashboard", "/"),
        ("pair", f"/pairs/{pair}/"),
        ("log", f"/pairs/{pair}/log/"),
        ("growth", "/growth/"),
        ("preferences", "/emails/preferences/"),
        ("calendar", "/calendar/"),
        ("programs", "/programs/"),
        ("profile", f"/programs/{slug}/profile/"),
        ("profile-edit", f"/programs/{slug}/profile/edit/"),
        ("find", f"/programs/{slug}/suggestions/"),
        ("agenda", f"/pairs/{pair}/agenda/"),
        ("agreement", f"/pairs/{pair}/agreement/"),
        ("goal-new", f"/pairs/{pair}/goals/new/"),
        ("api-tokens", "/accounts/api-tokens/"),
        ("rematch", f"/pairs/{pair}/rematch/"),
    ]
    goal = Goal.objects.get(text="Lead a retrospective on my own").pk
    site = django_settings.SITE_URL
    return {
        "anonymous": (None, [("login", "/accounts/login/"),
                             ("reset", "/accounts/password/reset/"),
                             ("checkin-link", world.checkin_link.removeprefix(site)),
                             ("still-going-link", world.still_going_link.removeprefix(site))]),
        "mentee": (world.mentee.user, [
            *member,
            ("goal", f"/goals/{goal}/"),
            ("goal-edit", f"/goals/{goal}/edit/"),
            ("checkin", f"/checkins/{world.checkin.pk}/"),
        ]),
        "mentor": (world.mentor.user, [
            *member,
            ("api-token-revoke", f"/accounts/api-tokens/{api_token.pk}/revoke/"),
            ("side", f"/sessions/{session.pk}/side/"),
            ("partner-goal", f"/goals/{goal}/"),
            ("partner", f"/programs/{slug}/participants/{world.mentee.pk}/"),
        ]),
        "both": (both.user, [("dashboard", "/"), ("programs", "/programs/")]),
        "admin": (world.admin, [
            ("program", f"/programs/{slug}/"),
            ("participants", f"/programs/{slug}/participants/"),
            ("person", f"/programs/{slug}/participants/{world.mentee.pk}/"),
            ("invites", f"/programs/{slug}/invites/"),
            ("import", f"/programs/{slug}/import/"),
            ("skills", f"/programs/{slug}/skills/"),
            ("provisioning", f"/programs/{slug}/provisioning/"),
            ("provisioning-revoke",
             f"/programs/{slug}/provisioning/{token(world.program).pk}/revoke/"),
            ("settings", f"/programs/{slug}/edit/"),
            ("webhooks", f"/programs/{slug}/webhooks/"),
            ("webhook", f"/programs/{slug}/webhooks/{endpoint.pk}/"),
            ("webhook-delete", f"/programs/{slug}/webhooks/{endpoint.pk}/delete/"),
            ("matching", f"/programs/{slug}/matching/"),
            ("health", f"/programs/{slug}/health/"),
            ("pairs", f"/programs/{slug}/pairs/"),
            ("admin-pair", f"/pairs/{pair}/"),
            ("failed", "/emails/failed/"),
            ("email", "/dev/outbox/"),
        ]),
        "stranger": (world.stranger, [("no-program", "/accounts/sso/no-program/")]),
        "superuser": (world.superuser, [
            ("site-provisioning", "/accounts/provisioning/"),
            ("site-provisioning-revoke", f"/accounts/provisioning/{token(None).pk}/revoke/"),
        ]),
    }  # fmt: skip


def token(program):
    return ScimToken.objects.get(program=program)


def serious_violations(page):
    page.evaluate(AXE + "\n;0")
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )


def test_every_page_fits_a_phone_and_passes_axe(page, live_server, settings):
    settings.DEBUG = True  # the development outbox is one of the pages
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"
    world, session, both = seed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for persona, (user, urls) in pages(world, session, both).items():
        page.context.clear_cookies()
        if user is not None:
            sign_in(page, user.email, PASSWORD)
        for name, url in urls:
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                response = page.goto(url)
                if response is None or response.status != 200:
                    problems.append(f"{persona} {url}: HTTP {response and response.status}")
                    continue
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 0:
                    problems.append(f"{persona} {url} @{width}: {overflow}px wider than the screen")
                for violation in serious_violations(page):
                    problems.append(f"{persona} {url} @{width}: {violation}")
                if name in SHOTS:
                    page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    assert problems == []


def test_the_menu_folds_on_a_phone_and_opens_without_javascript(page, live_server):
    world = World()
    page.set_viewport_size(WIDTHS["phone"])
    sign_in(page, world.mentee.user.email, PASSWORD)
    header = "() => document.querySelector('.site-header').offsetHeight"
    assert page.evaluate(header) < 80  # one line, not three
    assert not page.get_by_role("link", name="Programs").is_visible()
    page.get_by_text("Menu").click()
    assert page.get_by_role("link", name="Programs").is_visible()
    page.set_viewport_size(WIDTHS["desktop"])
    assert page.get_by_role("link", name="Programs").is_visible()
    assert not page.get_by_text("Menu", exact=True).is_visible()
