"""Shared set-up for the check-in tests: a pair started on a known day, rounds run as of a
moment (claim, then deliver, as the periodic task does)."""

import datetime
import re

import time_machine
from django.core import mail

from checkins import idle, schedule
from checkins.models import PairTrack
from notifications import outbox

UTC = datetime.UTC
START = datetime.date(2026, 11, 2)  # a Monday


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def start_pair(pair, day=START, now=None):
    """Restart `pair`'s clock: started on `day`, armed as of `now` (the start's noon)."""
    PairTrack.objects.filter(pair=pair).delete()
    with time_machine.travel(now or at(day.year, day.month, day.day, 12), tick=False):
        pair.started_on = day
        pair.save()
    return PairTrack.objects.get(pair=pair)


def run(now):
    """One round of the periodic task as of `now`: check-ins, idle pairs, delivery."""
    with time_machine.travel(now, tick=False):
        opened = schedule.claim_due(now)
        idle_counts = idle.claim_idle(now)
        outbox.deliver_due(now)
    return opened, idle_counts


def sent_to(email, kind_subject=""):
    return [m for m in mail.outbox if email in m.to and kind_subject in m.subject]


def links_in(message):
    return re.findall(r"http://[^\s\"<>]+", message.body)
