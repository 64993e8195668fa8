"""The four end-to-end journeys of issue 9, in headless Chromium against the live server.

(a) an admin creates a program, imports a CSV, the people accept their invitations, the admin
    runs matching and accepts the pair: both introduction emails arrive over SMTP;
(b) a mentee logs a session with two next actions added without a page reload, and the mentor
    adds their side from the link in their email;
(c) a reminder email's one-click link: the GET only asks, the button marks the action done;
(d) unsubscribe from the weekly nudge through the link in a real nudge; the next week's round
    sends that person nothing.

Real parts only: the live server (SQLite locally, PostgreSQL in CI), Debian's Chromium, an
aiosmtpd sink (tests/browser.py), the real send_due command. Reminder and nudge timing is
deterministic: due dates are seeded relative to today and the rounds run with ``--now``.
A failing journey leaves a screenshot in test-artifacts/ (the ``page`` fixture).
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentorship.models import Participant, Program
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions import reminders
from sessions.models import NextAction, Session, SessionSide
from tests.browser import sign_in
from tests.factories import PASSWORD, World, make_action, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _links_to_live_server(settings, live_server):
    # Email links point at the live server (it runs in this process).
    settings.SITE_URL = live_server.url


def links_in(text, path):
    """Every absolute URL in an email body whose path starts with `path`."""
    return re.findall(rf"https?://[^\s<>\"]+{re.escape(path)}[^\s<>\"]*", text)


def send_due(now):
    """One real round of reminders, nudges, digests and delivery, as of `now`."""
    out = io.StringIO()
    call_command("send_due", now=now.isoformat(), stdout=out)
    return out.getvalue()


def to(sink, address):
    return [m for m in sink.messages if m.envelope_to == [address]]


def reminder_for(sink, address, text):
    """The action reminders (they carry a one-click done link) sent to `address` about `text`."""
    return [
        m
        for m in to(sink, address)
        if text in m["Subject"] and "/emails/action/done/" in sink.text(m)
    ]


# (a) -------------------------------------------------------------------------------------

CSV = (
    "email,name,role,time_zone,teaches,learns,goals,department,manager_email,capacity,"
    "availability\n"
    "maya@example.com,Maya Mentor,mentor,Europe/Paris,SQL,Figma,Grow a team,Data,,2,"
    "Mon 09:00-11:00\n"
    "theo@example.com,Theo Mentee,mentee,Europe/Paris,Figma,SQL,Learn SQL,Design,,,"
    "Mon 09:30-10:30\n"
)


def test_admin_creates_imports_matches_and_intros_arrive(page, browser, live_server, smtp_sink):
    make_user("ada@example.com", display_name="Ada Admin", is_staff=True)
    sign_in(page, "ada@example.com", PASSWORD)

    # Create the program.
    page.goto("/programs/new/")
    page.get_by_label("Name", exact=True).fill("Guild 2027")
    page.get_by_label("Short name for links").fill("guild-2027")
    page.get_by_role("button", name="Create program").click()
    page.get_by_text("Program created. Now bring people in.").wait_for()
    program = Program.objects.get(slug="guild-2027")
    assert list(program.admins.values_list("email", flat=True)) == ["ada@example.com"]

    # Import the CSV: a preview that writes nothing, then the confirm.
    page.goto("/programs/guild-2027/import/")
    page.get_by_label("CSV file", exact=True).set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.get_by_text("2 rows are ready to import").wait_for()
    assert not Participant.objects.filter(program=program).exists()
    page.get_by_role("button", name="Import 2 rows").click()
    page.get_by_text("Imported: 2 added, 0 updated").wait_for()
    people = Participant.objects.filter(program=program).order_by("user__email")
    assert [(p.user.email, p.role, p.status) for p in people] == [
        ("maya@example.com", "mentor", "invited"),
        ("theo@example.com", "mentee", "invited"),
    ]

    # Imported people are invited; each accepts the emailed link in their own browser.
    page.goto("/programs/guild-2027/invites/")
    page.get_by_role("button", name="Email them invitations").click()
    page.get_by_text("Sent 2 invitations.").wait_for()
    invites = smtp_sink.wait_for(2)
    for message in list(invites):
        [link] = links_in(smtp_sink.text(message), "/invites/")
        context = browser.new_context(base_url=live_server.url)
        try:
            invitee = context.new_page()
            invitee.goto(link)
            invitee.get_by_label("Choose a password").fill("a long new passphrase 42")
            invitee.get_by_label("Password again").fill("a long new passphrase 42")
            invitee.get_by_role("button", name="Create my account").click()
            invitee.get_by_role("heading", name="Welcome to Guild 2027").wait_for()
        finally:
            context.close()
    assert set(people.values_list("status", flat=True)) == {"active"}

    # Run matching, read the reasons, accept the pair in place (htmx).
    page.goto("/programs/guild-2027/matching/")
    page.get_by_role("button", name="Run matching").click()
    page.get_by_text("Maya Mentor can teach Theo Mentee: SQL").wait_for()
    page.evaluate("() => { window.__noReload = 1; }")
    page.get_by_role("button", name="Accept", exact=True).click()
    page.locator("tbody .badge-ok", has_text="Accepted").wait_for()
    assert page.evaluate("() => window.__noReload") == 1
    pair = Pair.objects.get(program=program)
    assert (pair.mentor.user.email, pair.mentee.user.email, pair.status) == (
        "maya@example.com",
        "theo@example.com",
        "active",
    )

    # The introduction emails arrive, one to each person, naming the partner.
    messages = smtp_sink.wait_for(4)[2:]
    by_address = {m.envelope_to[0]: m for m in messages}
    assert sorted(by_address) == ["maya@example.com", "theo@example.com"]
    assert (
        by_address["maya@example.com"]["Subject"] == "Meet Theo Mentee, your partner in Guild 2027"
    )
    assert (
        by_address["theo@example.com"]["Subject"] == "Meet Maya Mentor, your partner in Guild 2027"
    )
    assert f"/pairs/{pair.pk}/" in smtp_sink.text(by_address["theo@example.com"])
    assert page.console_errors == []


# (b) -------------------------------------------------------------------------------------


def test_mentee_logs_two_actions_without_reload_and_mentor_adds_side(page, smtp_sink):
    world = World()
    sign_in(page, "mentee@example.com", PASSWORD)
    page.goto(f"/pairs/{world.pair.pk}/log/")
    page.wait_for_load_state("networkidle")

    navigations = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0)
    page.evaluate("() => { window.__noReload = 1; }")
    rows = page.locator(".new-action-row")
    before = rows.count()

    # Two action rows fetched by htmx: no navigation, the JS marker survives.
    add = page.get_by_role("button", name="Add another next action")
    add.click()
    page.locator(f"#new-action-new-{before}").wait_for()
    add.click()
    page.locator(f"#new-action-new-{before + 1}").wait_for()
    assert navigations == []
    assert page.evaluate("() => window.__noReload") == 1
    assert rows.count() == before + 2

    when = (timezone.now() - datetime.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When").fill(when)
    page.get_by_label("Topics").fill("Window functions")
    page.get_by_label("What I learned").fill("ROW_NUMBER restarts per partition")
    page.get_by_label("Private note").fill("only for me")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    for index, text, owner in (
        (before, "Rewrite the report query", "mentee"),
        (before + 1, "Send the Figma starter file", "mentor"),
    ):
        page.locator(f"#id_new-{index}-text").fill(text)
        page.locator(f"#id_new-{index}-owner").select_option(owner)
        page.locator(f"#id_new-{index}-due_on").fill(due)
    assert navigations == []  # filling the form did not navigate either
    page.get_by_role("button", name="Save the session").click()
    page.get_by_text("Session logged.").wait_for()

    session = Session.objects.get(pair=world.pair)
    assert session.topics == "Window functions"
    assert sorted(NextAction.objects.filter(created_in=session).values_list("text", "owner")) == [
        ("Rewrite the report query", "mentee"),
        ("Send the Figma starter file", "mentor"),
    ]

    # The mentor gets the "add your side" email and follows it.
    [message] = smtp_sink.wait_for(1)
    assert message.envelope_to == ["mentor@example.com"]
    [link] = links_in(smtp_sink.text(message), f"/sessions/{session.pk}/side/")
    page.context.clear_cookies()
    sign_in(page, "mentor@example.com", PASSWORD)
    page.goto(link)
    page.get_by_role("heading", name="Add my side of the session").wait_for()
    partner = page.locator(".session-side").first
    assert "ROW_NUMBER restarts per partition" in partner.inner_text()
    assert "only for me" not in page.content()  # the mentee's private note stays private
    page.get_by_label("What I learned").fill("How Theo reads a design review")
    page.get_by_label("Questions I brought").fill("When is a CTE clearer than a subquery?")
    page.get_by_role("button", name="Save my side").click()
    page.get_by_text("Your side of the session is saved.").wait_for()

    sides = {s.side: s for s in SessionSide.objects.filter(session=session)}
    assert sorted(sides) == ["mentee", "mentor"]
    assert sides["mentor"].learned == "How Theo reads a design review"
    assert sides["mentor"].author.email == "mentor@example.com"
    assert sides["mentee"].private_note == "only for me"
    assert page.console_errors == []


# (c) -------------------------------------------------------------------------------------


def test_reminder_link_confirms_then_marks_done(page, smtp_sink):
    world = World()
    lead = world.program.reminder_lead_days
    # Due in lead + 2 days: the "due soon" reminder moment is two days ahead, whatever the hour.
    action = make_action(
        world.pair,
        text="Read the indexing chapter",
        owner="mentee",
        due_on=timezone.localdate() + datetime.timedelta(days=lead + 2),
    )
    moment = reminders.rearm(action)
    assert moment is not None and moment > timezone.now()

    send_due(moment - datetime.timedelta(minutes=1))
    assert not reminder_for(smtp_sink, "mentee@example.com", "Read the indexing chapter")
    assert "reminders recorded: 1;" in send_due(moment + datetime.timedelta(minutes=1))

    [reminder] = reminder_for(smtp_sink, "mentee@example.com", "Read the indexing chapter")
    [done_link] = links_in(smtp_sink.text(reminder), "/emails/action/done/")

    # The GET only asks.
    page.goto(done_link)
    page.get_by_role("heading", name="Mark this action done?").wait_for()
    assert "Read the indexing chapter" in page.locator("main").inner_text()
    action.refresh_from_db()
    assert action.status == "open"

    page.get_by_role("button", name="Mark done").click()
    page.get_by_role("heading", name="Done: well done!").wait_for()
    action.refresh_from_db()
    assert action.status == "done"
    assert action.next_reminder_at is None  # no more reminders for it

    # The same link again changes nothing and says so.
    page.goto(done_link)
    page.get_by_role("heading", name="Already done").wait_for()
    assert page.console_errors == []


# (d) -------------------------------------------------------------------------------------


def _sunday_evening_this_week():
    today = timezone.now().astimezone(datetime.UTC).date()
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    return datetime.datetime.combine(sunday, datetime.time(20, 0), tzinfo=datetime.UTC)


def test_unsubscribe_from_nudges_through_the_email(page, live_server, smtp_sink):
    world = World()
    world.program.nudge_weekday = 6  # Sunday: the nudge goes out on its day only
    world.program.save()
    make_action(world.pair, text="Draft the interview rubric", owner="mentee")
    first = _sunday_evening_this_week()  # after every UTC person's weekly moment this week

    send_due(first)
    [nudge] = [m for m in to(smtp_sink, "mentee@example.com") if "Your week with" in m["Subject"]]
    assert "Draft the interview rubric" in smtp_sink.text(nudge)
    assert to(smtp_sink, "mentor@example.com")  # the partner got theirs too
    # The nudge's one-click unsubscribe link rides in the List-Unsubscribe header (RFC 8058).
    assert nudge["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(r"<(\S+)>", nudge["List-Unsubscribe"].strip()).group(1)
    assert "/emails/unsubscribe/" in unsubscribe and unsubscribe.startswith(live_server.url)

    # The GET only asks; the button unsubscribes.
    page.goto(unsubscribe)
    page.get_by_role("heading", name="Unsubscribe?").wait_for()
    assert "the weekly nudge" in page.locator("main").inner_text()
    assert not EmailPreference.objects.filter(user=world.mentee.user, nudges=False).exists()
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_role("heading", name="Unsubscribed").wait_for()
    pref = EmailPreference.objects.get(user=world.mentee.user)
    assert pref.nudges is False
    assert pref.reminders is True  # only the nudge list was left

    # Next week's round: the partner still gets a nudge, the mentee nothing.
    smtp_sink.messages.clear()
    send_due(first + datetime.timedelta(days=7))
    assert [m for m in to(smtp_sink, "mentor@example.com") if "Your week with" in m["Subject"]]
    assert to(smtp_sink, "mentee@example.com") == []
    assert SentEmail.objects.filter(kind="nudge", user=world.mentee.user).count() == 1
    assert page.console_errors == []
