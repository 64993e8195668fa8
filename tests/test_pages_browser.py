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
from checkins.models import CheckIn, HelpRequest, PairTrack
from mentorship import importing, invites, scim_tokens
from mentorship.models import ScimToken, WebhookEndpoint
from notifications import links, webhooks
from pairs import pairing
from pairs.models import Pair
from sessions.models import AgendaItem, Agreement, Goal, Milestone, SessionSide
from tests.browser import ARTIFACTS, sign_in
from tests.factories import (
    PASSWORD,
    World,
    make_action,
    make_pair,
    make_participant,
    make_session,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ARTIFACTS / "screenshots"))
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
# (persona, page) -> file name: the key pages a reviewer looks at, at both widths.
SHOTS = {
    ("anonymous", "login"): "sign-in",
    ("mentor", "dashboard"): "dashboard",
    ("mentor", "pair"): "pair",
    ("mentor", "log"): "log",
    ("mentor", "side"): "side",
    ("mentee", "find"): "suggestions",
    ("both", "dashboard"): "dashboard-both-roles",
    ("admin", "participants"): "participants",
    ("admin", "pairs"): "pairs",
    ("admin", "matching"): "matching",
    ("admin", "import-problems"): "import-problems",
    ("admin", "health"): "health",
    ("mentee", "onboarding"): "onboarding",
    ("admin", "email"): "outbox",
    ("anonymous", "checkin-link"): "checkin-link",
    ("mentee", "checkin"): "checkin",
    ("mentee", "goal"): "goal",
    ("mentor", "agenda"): "agenda",
    ("mentor", "agreement"): "agreement",
    ("mentor", "growth"): "growth",
    ("mentor", "rematch"): "rematch",
    ("admin", "provisioning"): "provisioning",
    ("admin", "webhooks"): "webhooks",
    ("stranger", "no-program"): "no-program",
}
BAD_CSV = (
    b"email,name,role,skills_to_teach\n"
    b"not-an-email,Ann,mentor,SQL\n"
    b"bob@example.com,Bob,captain,Go\n"
    b"a-very-long-address-that-would-widen-a-table@a-long-domain-name.example.com,,mentee,\n"
)
GOOD_CSV = (
    b"email,name,role,skills_to_teach,skills_to_learn\nnew@example.com,Nia New,mentee,Go,SQL\n"
)


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
    Pair.objects.filter(pk=world.pair.pk).update(  # matched by a run: the pair page's score
        score=1.6,
        score_breakdown={"teach": 1.0, "learn": 0.6, "goals": 0, "availability": 0},
        reasons=["Maya Mentor can teach Theo Mentee: SQL", "Theo Mentee can teach Maya: Figma"],
    )
    # A person in both roles: mentored by Maya, mentoring Olga.
    kira = make_user("kira@example.com", display_name="Kira Petrov")
    both = make_participant(world.program, kira, role="both", teaches=["Figma"], learns=["SQL"])
    world.mentor.capacity = 3
    world.mentor.save(update_fields=["capacity"])
    make_pair(world.mentor, both)
    make_pair(both, world.other)
    make_session(Pair.objects.get(mentor=both, mentee=world.other), topics="Portfolio review")
    mentees = [
        make_participant(world.program, make_user(display_name=name), role="mentee",
                         learns=["SQL"], teaches=[skill], goals="Write better queries")
        for name, skill in (("Emma Jones", "Go"), ("Liam Chen", "Rust"),
                            ("Noor Haddad", "Design"), ("Iris Novak", "Hiring"))
    ]  # fmt: skip
    make_pair(world.mentor, mentees[0])  # Maya mentors three people
    make_participant(world.program, make_user(display_name="Omar Diaz"), role="mentor",
                     teaches=["SQL", "Figma"], learns=["Rust"], goals="Better queries")  # fmt: skip
    make_participant(world.program, make_user(display_name="Sara Ali"), role="mentor",
                     teaches=["SQL"], learns=["Design"])  # fmt: skip
    run = pairing.start_run(world.program, world.admin)
    pairing.run_matching(run)
    assert run.suggestions.exists()  # the matching review shows suggestions
    call_command("send_due")  # an email in the development outbox
    preview = importing.check(world.program, GOOD_CSV)
    batch = importing.store(world.program, world.admin, preview, "people.csv")
    pending, _queued = invites.invite(world.program, "newcomer@example.com", world.admin)
    # Single sign-on configured, so the sign-in page shows its button; provisioning tokens.
    SocialApp.objects.create(provider="openid_connect", provider_id="acme", name="Acme SSO",
                             client_id="c", secret="s",
                             settings={"server_url": "https://idp.example.com"})  # fmt: skip
    scim_tokens.create(world.program, "Okta production", world.admin)
    scim_tokens.create(None, "Entra", world.superuser)
    seed_checkins(world, now)
    return world, session, both, batch, invites.token_for(pending)


def seed_checkins(world, now):
    """A check-in to answer, the partner's shared answers, a quiet pair, a help request."""
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


def scim_token(program):
    return ScimToken.objects.get(program=program)


def upload_bad_csv(page, slug):
    page.goto(f"/programs/{slug}/import/")
    page.set_input_files("input[type=file]", files=[
        {"name": "people.csv", "mimeType": "text/csv", "buffer": BAD_CSV}])  # fmt: skip
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Check the file").click()
    return nav.value


def pages(world, session, both, batch, token):
    """persona -> (user, [(name, url or a function of the page that returns its response,
    expected status)])."""
    slug = world.program.slug
    pair = world.pair.pk
    both_as_mentee = Pair.objects.get(mentor=world.mentor, mentee=both).pk
    both_as_mentor = Pair.objects.get(mentor=both, mentee=world.other).pk
    suggestion = world.program.match_runs.latest("pk").suggestions.first().pk
    api_token, _raw = tokens.create(world.mentor.user, "Calendar sync", "read")
    endpoint = WebhookEndpoint.objects.create(
        program=world.program, url="https://hooks.example.com/in", events=["pair.ended"]
    )
    webhooks.record("pair.ended", "k", endpoint.target, {"pair": {"id": 1}})
    goal = Goal.objects.get(text="Lead a retrospective on my own").pk
    site = django_settings.SITE_URL
    member = [
        ("dashboard", "/"),
        ("growth", "/growth/"),
        ("preferences", "/emails/preferences/"),
        ("calendar", "/calendar/"),
        ("programs", "/programs/"),
        ("profile", f"/programs/{slug}/profile/"),
        ("profile-edit", f"/programs/{slug}/profile/edit/"),
        ("onboarding", f"/programs/{slug}/welcome/"),
        ("find", f"/programs/{slug}/suggestions/"),
        ("password", "/accounts/password/change/"),
        ("not-found", "/no-such-page/", 404),
        ("api-tokens", "/accounts/api-tokens/"),
    ]
    in_pair = [
        ("agenda", f"/pairs/{pair}/agenda/"),
        ("agreement", f"/pairs/{pair}/agreement/"),
        ("goal-new", f"/pairs/{pair}/goals/new/"),
        ("rematch", f"/pairs/{pair}/rematch/"),
    ]
    return {
        "anonymous": (None, [
            ("login", "/accounts/login/"),
            ("reset", "/accounts/password/reset/"),
            ("invite", f"/invites/{token}/"),
            ("invite-invalid", "/invites/nonsense/", 410),
            ("checkin-link", world.checkin_link.removeprefix(site)),
            ("still-going-link", world.still_going_link.removeprefix(site)),
        ]),
        "mentee": (world.mentee.user, [
            *member,
            *in_pair,
            ("pair", f"/pairs/{pair}/"),
            ("log", f"/pairs/{pair}/log/"),
            ("goal", f"/goals/{goal}/"),
            ("goal-edit", f"/goals/{goal}/edit/"),
            ("checkin", f"/checkins/{world.checkin.pk}/"),
        ]),
        "mentor": (world.mentor.user, [
            *member,
            ("pair", f"/pairs/{pair}/"),
            ("log", f"/pairs/{pair}/log/"),
            *in_pair,
            ("side", f"/sessions/{session.pk}/side/"),
            ("partner", f"/programs/{slug}/participants/{world.mentee.pk}/"),
            ("partner-goal", f"/goals/{goal}/"),
            ("api-token-revoke", f"/accounts/api-tokens/{api_token.pk}/revoke/"),
        ]),
        "both": (both.user, [
            *member,
            ("pair-as-mentee", f"/pairs/{both_as_mentee}/"),
            ("pair-as-mentor", f"/pairs/{both_as_mentor}/"),
            ("log-as-mentor", f"/pairs/{both_as_mentor}/log/"),
        ]),
        "admin": (world.admin, [
            ("dashboard", "/"),
            ("programs", "/programs/"),
            ("program", f"/programs/{slug}/"),
            ("participants", f"/programs/{slug}/participants/"),
            ("person", f"/programs/{slug}/participants/{world.mentee.pk}/"),
            ("person-both", f"/programs/{slug}/participants/{both.pk}/"),
            ("invites", f"/programs/{slug}/invites/"),
            ("import", f"/programs/{slug}/import/"),
            ("import-problems", lambda page: upload_bad_csv(page, slug), 422),
            ("import-preview", f"/programs/{slug}/import/{batch.pk}/"),
            ("skills", f"/programs/{slug}/skills/"),
            ("settings", f"/programs/{slug}/edit/"),
            ("provisioning", f"/programs/{slug}/provisioning/"),
            ("provisioning-revoke",
             f"/programs/{slug}/provisioning/{scim_token(world.program).pk}/revoke/"),
            ("webhooks", f"/programs/{slug}/webhooks/"),
            ("webhook", f"/programs/{slug}/webhooks/{endpoint.pk}/"),
            ("webhook-delete", f"/programs/{slug}/webhooks/{endpoint.pk}/delete/"),
            ("matching", f"/programs/{slug}/matching/"),
            # Without JavaScript a search reloads the page with matches to choose from.
            ("matching-found",
             f"/programs/{slug}/matching/?mentor_q=a&mentee_q=a&first_q=a&second_q=zzz"),
            ("manual", f"/programs/{slug}/matching/manual/"),
            ("swap", f"/programs/{slug}/matching/suggestions/{suggestion}/swap/"),
            ("health", f"/programs/{slug}/health/"),
            ("pairs", f"/programs/{slug}/pairs/"),
            ("admin-pair", f"/pairs/{pair}/"),
            ("growth", "/growth/"),
            ("failed", "/emails/failed/"),
            ("email", "/dev/outbox/"),
            ("forbidden", f"/pairs/{pair}/log/", 403),
        ]),
        "stranger": (world.stranger, [("no-program", "/accounts/sso/no-program/")]),
        "superuser": (world.superuser, [
            ("site-provisioning", "/accounts/provisioning/"),
            ("site-provisioning-revoke", f"/accounts/provisioning/{scim_token(None).pk}/revoke/"),
        ]),
    }  # fmt: skip


def serious_violations(page):
    page.evaluate(AXE + "\n;0")
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"""
    )


# Labels and terms end without a colon (issue 16: one visual language).
TRAILING_COLONS = """() => [...document.querySelectorAll('main :is(label, dt, legend, th)')]
    .map(e => e.textContent.replace(/\\s+/g, ' ').trim()).filter(t => t.endsWith(':'))"""
# Chart text as drawn on screen: its font size times the SVG's scale.
SMALL_CHART_TEXT = """() => [...document.querySelectorAll('svg text')]
    .filter(t => t.getClientRects().length)
    .map(t => [t.textContent.trim(), parseFloat(getComputedStyle(t).fontSize)
               * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b)])
    .filter(([, px]) => px < 11.9).map(([text, px]) => text + ' ' + px.toFixed(1) + 'px')"""


def visit(page, target):
    return target(page) if callable(target) else page.goto(target)


def test_every_page_fits_a_phone_and_passes_axe(page, live_server, settings):
    settings.DEBUG = True  # the development outbox is one of the pages
    settings.EMAIL_BACKEND = "notifications.dev_outbox.OutboxBackend"
    seeded = seed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems, visited = [], 0
    for persona, (user, urls) in pages(*seeded).items():
        page.context.clear_cookies()
        if user is not None:
            sign_in(page, user.email, PASSWORD)
        for name, target, *expected in urls:
            status = expected[0] if expected else 200
            settings.DEBUG = status != 404  # DEBUG shows Django's technical 404 page instead
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                response = visit(page, target)
                where = f"{persona} {name} @{width}"
                if response is None or response.status != status:
                    problems.append(f"{where}: HTTP {response and response.status}")
                    continue
                visited += 1
                overflow = page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                )
                if overflow > 0:
                    problems.append(f"{where}: {overflow}px wider than the screen")
                problems += [f"{where}: {v}" for v in serious_violations(page)]
                problems += [f"{where}: label {t!r}" for t in page.evaluate(TRAILING_COLONS)]
                problems += [f"{where}: chart text {t}" for t in page.evaluate(SMALL_CHART_TEXT)]
                if (persona, name) in SHOTS:
                    path = SCREENSHOTS / f"{SHOTS[persona, name]}-{width}.png"
                    page.screenshot(path=str(path), full_page=True)
    assert not problems, "\n".join(problems)
    assert visited >= 2 * 60


def test_tables_stack_on_a_phone_with_accept_and_reject_in_sight(page, live_server):
    world, *_rest = seed()
    page.set_viewport_size(WIDTHS["phone"])
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/programs/{world.program.slug}/matching/")
    accept = page.get_by_role("button", name="Accept", exact=True).first
    reject = page.get_by_role("button", name="Reject", exact=True).first
    for button in (accept, reject):
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    row = page.locator("#review-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"  # a card, not a row
    labels = row.evaluate(
        "r => [...r.cells].map(c => getComputedStyle(c, '::before').content).join(' ')"
    )
    assert '"Mentor"' in labels and '"Decision"' in labels  # each cell says what it is
    upload_bad_csv(page, world.program.slug)
    cells = page.locator("table.stack tbody tr").first.locator("td")
    assert cells.first.evaluate("c => getComputedStyle(c).display") == "block"
    page.goto(f"/programs/{world.program.slug}/welcome/")  # as the admin: 404, so a member
    page.context.clear_cookies()
    sign_in(page, world.mentee.user.email, PASSWORD)
    page.goto(f"/programs/{world.program.slug}/welcome/")
    table = page.locator("table.availability")
    card = page.locator("section.card", has=table)
    t, c = table.bounding_box(), card.bounding_box()
    assert c["x"] <= t["x"] and t["x"] + t["width"] <= c["x"] + c["width"]


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


def test_pair_page_sections_are_tabs_with_arrow_keys(page, live_server):
    world, session, *_rest = seed()
    sign_in(page, world.mentor.user.email, PASSWORD)
    page.goto(f"/pairs/{world.pair.pk}/")
    tabs = page.get_by_role("tab")
    assert tabs.all_inner_texts() == ["Overview", "Sessions", "Balance"]
    overview, sessions, balance = (page.get_by_role("tab", name=n) for n in tabs.all_inner_texts())
    assert overview.get_attribute("aria-selected") == "true"
    assert page.get_by_role("tabpanel").count() == 1  # the others are hidden
    assert page.locator("#overview").is_visible() and not page.locator("#sessions").is_visible()
    overview.focus()
    page.keyboard.press("ArrowRight")
    assert sessions.get_attribute("aria-selected") == "true"
    assert page.evaluate("document.activeElement.id") == sessions.get_attribute("id")
    assert page.locator("#sessions").is_visible() and not page.locator("#overview").is_visible()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # wraps round to the last
    assert balance.get_attribute("aria-selected") == "true"
    page.keyboard.press("Home")
    assert overview.get_attribute("aria-selected") == "true"
    assert overview.get_attribute("tabindex") == "0" and sessions.get_attribute("tabindex") == "-1"
    balance.click()
    assert page.url.endswith("#balance")
    page.reload()  # the address keeps the open tab
    assert page.get_by_role("tab", name="Balance").get_attribute("aria-selected") == "true"
    page.goto(f"/pairs/{world.pair.pk}/?page=1#session-{session.pk}")  # after logging one
    assert page.get_by_role("tab", name="Sessions").get_attribute("aria-selected") == "true"
    assert page.locator(f"#session-{session.pk}").is_visible()


def test_pair_page_without_javascript_shows_every_section_and_links_to_them(browser, live_server):
    world, *_rest = seed()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, world.mentor.user.email, PASSWORD)
    page.goto(f"/pairs/{world.pair.pk}/")
    assert page.get_by_role("tab").count() == 0
    for name, panel in (
        ("Overview", "#overview"),
        ("Sessions", "#sessions"),
        ("Balance", "#balance"),
    ):
        assert page.get_by_role("link", name=name, exact=True).get_attribute("href") == panel
        assert page.locator(panel).is_visible()
    context.close()
