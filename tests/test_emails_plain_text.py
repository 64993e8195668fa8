"""Plain-text emails carry names as typed; HTML emails escape them (issue 15, item 12).

Every registered email kind is rendered through its own render function, for people and a
program whose names hold ' & < >; the text part and subject must show them raw (the text
templates once HTML-escaped them: `O&#x27;Brien`), the HTML part escaped.
"""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import timezone

from insights import digests, stalled
from mentorship import admin_invites, invites, password_reset
from mentorship.models import AdminInvite, Invite
from notifications.emails import build_email
from notifications.models import SentEmail
from notifications.registry import KINDS, Rendered
from pairs import intro, lifecycle, request_emails
from pairs.models import PairRequest
from sessions import agenda_nudge, nudges, reminders, side_invites
from tests.factories import make_action, make_pair, make_session, make_user

pytestmark = pytest.mark.django_db

MENTOR = "Maya O'Brien & <Mentor>"
MENTEE = "Theo O'Brien & <Mentee>"
PROGRAM = "O'Brien & <Partners> mentoring"
ACTION = "Read O'Brien & <friends>"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "emails"


def escaped(text):
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")
    )


@pytest.fixture
def people(world):
    world.program.name = PROGRAM
    world.program.save()
    for participant, name in ((world.mentor, MENTOR), (world.mentee, MENTEE)):
        participant.user.display_name = name
        participant.user.save()
    world.pair.started_on = datetime.date(2026, 1, 1)
    world.pair.save()
    return world


def _row(kind, user, context):
    return SentEmail(kind=kind, key="test", user=user, context=context)


def rows(world):
    """(kind, recipient, context) for every kind, built from real rows as producers do."""
    mentee, mentor = world.mentee.user, world.mentor.user
    now = timezone.now()
    action = make_action(world.pair, text=ACTION, owner="mentee")
    overdue = make_action(
        world.pair, text=ACTION, owner="mentee", due_on=timezone.localdate() - datetime.timedelta(1)
    )
    session = make_session(world.pair, author=mentor, topics=ACTION)
    invite, _queued = invites.invite(world.program, "new@example.com", world.admin)
    invite = Invite.objects.get(pk=invite.pk)
    reset_user = make_user("o'brien&co@example.com", display_name=MENTEE)
    program = world.program
    yield invites.KIND, invite.participant.user, {"invite": invite.pk, "nonce": invite.nonce}
    yield password_reset.KIND, reset_user, {}
    admin_invites.invite_admin(program, mentee.email, world.admin)
    admin_invite = AdminInvite.objects.get()
    yield admin_invites.KIND, mentee, {"invite": admin_invite.pk}
    yield intro.KIND, mentee, {"pair": world.pair.pk}
    items = [[a.pk, a.due_on.isoformat()] for a in (action, overdue)]
    yield reminders.DAILY, mentee, {"day": now.date().isoformat(), "actions": items}
    # Rows of the per-action reminders queued before the daily email still render.
    for kind, one in zip(reminders.LEGACY_KINDS, (action, overdue, action), strict=True):
        yield kind, mentee, {"action": one.pk, "due_on": one.due_on.isoformat()}
    yield nudges.KIND, mentee, nudges.build_contents([mentee], now)[mentee.pk]
    yield side_invites.KIND, mentee, {"session": session.pk}
    yield agenda_nudge.KIND, mentor, {"pair": world.pair.pk}
    yield digests.KIND, world.admin, {"programs": [digests.program_summary(program, now)]}
    yield stalled.NUDGE_KIND, mentee, {"pair_id": world.pair.pk}
    # Pairing requests (the person asked, the answer, the expiry) and an ended pair.
    later = now + datetime.timedelta(days=7)
    asked = PairRequest.objects.create(
        program=program, requester=world.mentee, recipient=world.mentor, expires_at=later,
        message=ACTION, reasons=[ACTION],
    )  # fmt: skip
    yield request_emails.ASKED, mentor, {"request": asked.pk}
    declined = PairRequest.objects.create(
        program=program, requester=world.mentor, recipient=world.mentee, expires_at=later,
        status="declined",
    )  # fmt: skip
    yield request_emails.ANSWERED, mentor, {"request": declined.pk}
    expired = PairRequest.objects.create(
        program=program, requester=world.mentee, recipient=world.mentor, expires_at=now,
        status="expired",
    )  # fmt: skip
    yield request_emails.EXPIRED, mentor, {"request": expired.pk}
    ended = make_pair(world.mentor, world.other, status="completed")
    context = {"pair": ended.pk, "status": "completed", "by": mentor.pk}
    yield lifecycle.ENDED_KIND, world.other.user, context
    # Check-ins: the invitation, an idle pair's notices, the partner's kind message.
    from checkins import idle, schedule, way_out
    from checkins.models import CheckIn, PairTrack

    CheckIn.objects.create(pair=world.pair, user=mentee, round=1, due_at=now)
    yield schedule.INVITE_KIND, mentee, {"pair": world.pair.pk, "round": 1}
    PairTrack.objects.filter(pair=world.pair).update(idle_warned_at=now)
    yield idle.REENGAGE_KIND, mentee, {"pair": world.pair.pk, "close_at": later.isoformat()}
    ended.status, ended.ended_on = "ended", now.date()
    ended.save()
    closed = ended
    yield idle.CLOSED_KIND, world.other.user, {"pair": closed.pk}
    yield idle.CLOSED_ADMIN_KIND, world.admin, {"pair": closed.pk}
    yield way_out.PARTNER_KIND, world.other.user, {"pair": closed.pk}


def test_every_text_template_turns_autoescape_off():
    for path in TEMPLATES.glob("*.txt"):
        source = path.read_text()
        assert re.match(r"\{% load [^%]+%\}\{% autoescape off %\}", source), path.name
        assert source.rstrip().endswith("{% endautoescape %}"), path.name


def test_every_kind_shows_names_raw_in_text_and_escaped_in_html(people):
    seen = set()
    for kind, user, context in rows(people):
        rendered = KINDS[kind].render(_row(kind, user, context))
        assert isinstance(rendered, Rendered), (kind, rendered)
        message = build_email(rendered.template, user.email, rendered.context)
        text, html = message.body, message.alternatives[0].content
        raw_names = [n for n in (MENTOR, MENTEE, PROGRAM, ACTION) if n in text]
        if kind == password_reset.KIND:
            raw_names = ["o'brien&co@example.com"]
            assert raw_names[0] in text
        assert raw_names, (kind, text)
        for name in raw_names:
            assert escaped(name) not in text, (kind, name)
            assert name not in html and escaped(name) in html, (kind, name)
        for bad in ("&#x27;", "&amp;", "&lt;", "&gt;", "&quot;"):
            assert bad not in text and bad not in message.subject, (kind, bad)
        seen.add(kind)
    assert seen == set(KINDS)


def test_subjects_keep_names_raw(people):
    for kind, user, context in rows(people):
        rendered = KINDS[kind].render(_row(kind, user, context))
        subject = build_email(rendered.template, user.email, rendered.context).subject
        named = (intro.KIND, side_invites.KIND, stalled.NUDGE_KIND, agenda_nudge.KIND)
        if "O'Brien" in subject or kind in named:
            assert "O'Brien &" in subject, (kind, subject)


# -- wrapped plain text, one styled layout ---------------------------------------------------

LONG_SITE = "https://mentoring.an-organisation-with-a-rather-long-name.example.org/programmes"
FONT_STACK = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def _rendered(world):
    for kind, user, context in rows(world):
        rendered = KINDS[kind].render(_row(kind, user, context))
        assert isinstance(rendered, Rendered), (kind, rendered)
        yield kind, build_email(rendered.template, user.email, rendered.context)


def test_every_kind_wraps_its_text_at_78_and_long_urls_stand_alone(people, settings):
    settings.SITE_URL = LONG_SITE  # every link in every email is longer than a line
    for kind, message in _rendered(people):
        urls = 0
        for line in message.body.splitlines():
            if "://" in line and len(line) > 78:
                assert " " not in line.strip(), (kind, line)  # the URL alone on its line
                urls += 1
            else:
                assert len(line) <= 78, (kind, line)
        assert urls, kind  # each email has a link, and it was too long for a line


def test_wrap_text_keeps_list_indents_and_urls_whole():
    from notifications.emails import wrap_text

    url = "https://example.org/" + "x" * 80
    text = "  - " + "word " * 20 + "\nSee: " + url + " then more\nshort\n"
    lines = wrap_text(text).splitlines()
    assert lines[0].startswith("  - word") and len(lines[0]) <= 78
    assert lines[1].startswith("    word") and "".join(lines[:2]).count("word") == 20
    assert lines[2:] == ["See:", url, "then more", "short"]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.style_text, self._in_style = [], "", False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style_text += data


def test_every_kind_uses_the_one_styled_layout_with_inline_css_and_a_button(people):
    for kind, message in _rendered(people):
        parser = _Tags()
        parser.feed(message.alternatives[0].content)
        tags = parser.tags
        styles = " ".join(attrs.get("style", "") for _tag, attrs in tags)
        assert FONT_STACK in styles and "max-width: 600px" in styles, kind
        assert ("meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}) in [
            (t, a) for t, a in tags if t == "meta" and a.get("name") == "viewport"
        ], kind
        assert not [a for t, a in tags if t == "link"], kind  # no external stylesheet
        # The one <style> holds only the phone media query; everything else is inline.
        css = parser.style_text.strip()
        assert css.startswith("@media"), kind
        depth = [0]
        for char in css:
            depth.append(depth[-1] + {"{": 1, "}": -1}.get(char, 0))
        assert 0 not in depth[css.index("{") + 1 : -1] and depth[-1] == 0, kind  # one block
        buttons = [a for t, a in tags if t == "a" and a.get("class") == "email-button"]
        assert buttons, kind
        for button in buttons:
            assert "background-color: #1f6f5c" in button["style"], kind
            assert button["href"].startswith("http"), (kind, button)
        for tag, attrs in tags:
            if tag in ("a", "p", "h2", "ul", "ol", "td", "table", "blockquote"):
                assert attrs.get("style") or tag == "td" and attrs.get("align"), (kind, tag)
