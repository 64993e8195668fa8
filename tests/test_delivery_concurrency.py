"""Delivery under concurrency and faults, on PostgreSQL with a real (slow) SMTP server:

- two workers sweeping at once while the server is slow send every email exactly once
  (the lease runs from each claim, covers the batch, and is renewed while it sends);
- each row's email has one stable Message-ID, so a repeat after a crash can be dropped;
- the "sent" mark is committed before the next email goes out;
- a database connection lost right after the server accepted an email is logged as
  such (not as an email that "could not be built"), and the email goes out again with
  the same Message-ID once its lease passes;
- two nudge claims at once build each nudge once and report only the rows each inserted;
- a recipient refused in the middle of a batch is retried alone: the rest are sent and
  marked, and every nudge reaches the server once.
"""

import collections
import datetime
import logging
import threading
import time

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from notifications import outbox
from notifications.models import SentEmail
from sessions import nudges, reminders
from tests.factories import make_action, make_pair, make_participant, make_user
from tests.services import free_port, require_postgres
from tests.smtpsink import Collector, Sink


class HookedCollector(Collector):
    """A Collector that calls `hook(count_before)` as each message arrives (before 250)."""

    def __init__(self, hook, **kwargs):
        super().__init__(**kwargs)
        self.hook = hook

    async def handle_DATA(self, server, session, envelope):
        self.hook(self.count)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_at(settings):
    """start(delay=…, hook=…) runs a sink and points Django's SMTP backend at it."""
    sinks = []

    def start(delay=0.0, hook=None):
        sink = Sink(free_port(), delay=delay)
        if hook is not None:
            sink.collector = HookedCollector(hook, delay=delay)
            sink.controller.handler = sink.collector
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_TIMEOUT = 1
        sinks.append(sink.start())
        return sink

    yield start
    for sink in sinks:
        sink.stop()


def due_reminders(world, count, now):
    """`count` actions, each shared by the two people of a pair of its own, reminders due:
    2 × count pending emails (a person gets one reminder email a day, whatever is due)."""
    for n in range(count):
        mentor = make_participant(world.program, role="mentor")
        make_action(
            make_pair(mentor, make_participant(world.program)),
            text=f"Action {n}",
            owner="both",
            due_on=(now + datetime.timedelta(days=2)).date(),
            next_reminder_at=now - datetime.timedelta(minutes=1),
        )
    reminders.claim_due(now)
    return SentEmail.objects.filter(status="pending").count()


def pairs_due_a_nudge(world, count):
    """`count` pairs, each with an open action: nudges due at the moment returned."""
    for n in range(count):
        mentor = make_participant(world.program, make_user(f"m{n}@example.com"), role="mentor")
        mentee = make_participant(world.program, make_user(f"e{n}@example.com"))
        make_action(make_pair(mentor, mentee), text="Something", owner="both")
    return datetime.datetime(2026, 11, 9, 9, 20, tzinfo=datetime.UTC)  # a Monday morning


def keys_of(sink):
    return collections.Counter(str(m["X-Mentorship-Email"]).strip() for m in sink.messages)


def run_threads(functions):
    errors = []

    def wrap(function):
        try:
            function()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(f,)) for f in functions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_a_slow_server_send_each_email_once(world, smtp_at, settings):
    """The issue's case: rounds longer than the configured lease. With the lease timed from
    the round's start, the second worker took the first one's in-flight batches."""
    require_postgres()
    settings.EMAIL_SEND_LEASE_SECONDS = 1  # shorter than a round: the floor must hold
    sink = smtp_at(delay=0.1)
    expected = due_reminders(world, 40, timezone.now())
    assert expected == 80

    def worker(start_after):
        # Beat's ticks reach the second worker while the first one's round still runs.
        time.sleep(start_after)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            outbox.deliver_due(timezone.now(), batch_size=5, threads=2)
            close_old_connections()
            if not SentEmail.objects.filter(status="pending").exists():
                return
            time.sleep(0.1)

    run_threads([lambda: worker(0), lambda: worker(1.5)])
    time.sleep(0.5)  # anything sent twice would have arrived by now
    keys = keys_of(sink)
    assert len(keys) == expected
    assert [k for k, n in keys.items() if n > 1] == []
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_while_a_batch_is_still_sending(world, smtp_at, monkeypatch):
    """A batch that outlasts its lease (a server slower than EMAIL_TIMEOUT suggests) keeps
    its unsent rows out of other rounds' reach."""
    require_postgres()
    now = timezone.now()
    expected = due_reminders(world, 4, now)
    monkeypatch.setattr(outbox, "lease", lambda batch_size=1: datetime.timedelta(seconds=1))
    seen = []

    def look(count_before):
        # From the sink's thread, 2 s into a 1 s lease: the unsent rows are still leased.
        if count_before == 6:
            close_old_connections()
            clock = timezone.now()
            pending = SentEmail.objects.filter(status="pending")
            seen.extend((row.next_attempt_at - clock).total_seconds() for row in pending)
            connection.close()

    sink = smtp_at(delay=0.35, hook=look)
    outbox.deliver_due(now, batch_size=8, threads=1)
    assert len(keys_of(sink)) == expected == 8
    assert len(seen) == 2 and min(seen) > 0, seen


@pytest.mark.django_db
def test_each_row_has_one_stable_message_id(world, smtp_at):
    sink = smtp_at()
    now = timezone.now()
    due_reminders(world, 2, now)
    rows = list(SentEmail.objects.order_by("pk"))
    outbox.deliver_due(now, threads=1)
    # As after a crash between "accepted" and "marked sent": the first row goes out again.
    SentEmail.objects.filter(pk=rows[0].pk).update(
        status="pending", next_attempt_at=now, sent_at=None
    )
    outbox.deliver_due(now, threads=1)
    ids = collections.defaultdict(set)
    for message in sink.messages:
        ids[str(message["X-Mentorship-Email"]).strip()].add(message["Message-ID"])
    assert len(sink.messages) == 5
    assert all(len(found) == 1 for found in ids.values())  # the repeat has the same one
    assert len({next(iter(found)) for found in ids.values()}) == 4  # one per row
    assert ids[f"{rows[0].kind}:{rows[0].key}"] == {outbox.message_id(rows[0])}
    assert outbox.message_id(rows[0]).startswith(f"<mentorship.{rows[0].pk}.")


@pytest.mark.django_db(transaction=True)
def test_the_sent_mark_is_committed_before_the_next_email_goes_out(world, smtp_at):
    require_postgres()
    now = timezone.now()
    expected = due_reminders(world, 3, now)
    marked = []

    def look(count_before):
        close_old_connections()  # the sink's own connection: it sees committed rows only
        marked.append((count_before, SentEmail.objects.filter(status="sent").count()))
        connection.close()

    smtp_at(hook=look)
    outbox.deliver_due(now, threads=1)
    assert marked == [(n, n) for n in range(expected)]


@pytest.mark.django_db(transaction=True)
def test_a_database_loss_after_a_send_is_logged_as_such_and_repeats_with_one_message_id(
    world, smtp_at, settings, caplog
):
    require_postgres()
    now = timezone.now()
    due_reminders(world, 2, now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [worker_pid] = cursor.fetchone()

    def kill_worker_connection(count_before):
        if count_before == 1:  # while the server accepts the second email
            close_old_connections()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [worker_pid])
            connection.close()

    sink = smtp_at(hook=kill_worker_connection)
    with caplog.at_level(logging.INFO, logger="notifications.outbox"):
        outbox.deliver_due(now, threads=1)
    text = caplog.text
    assert "was sent but could not be marked sent" in text
    assert "could not be built" not in text
    assert len(sink.messages) == 2
    close_old_connections()
    [unmarked] = SentEmail.objects.filter(status="pending", attempts=1).order_by("pk")[:1]
    assert f"{unmarked.kind}:{unmarked.key}" == str(sink.messages[1]["X-Mentorship-Email"])

    # Once its lease has passed the next round sends it again, with the same Message-ID.
    later = unmarked.next_attempt_at + datetime.timedelta(seconds=1)
    outbox.deliver_due(later, threads=1)
    repeats = [
        m for m in sink.messages if m["X-Mentorship-Email"] == f"{unmarked.kind}:{unmarked.key}"
    ]
    assert len(repeats) == 2 and len({m["Message-ID"] for m in repeats}) == 1
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db(transaction=True)
def test_two_nudge_claims_at_once_build_each_nudge_once_and_report_their_own_rows(
    world, monkeypatch
):
    require_postgres()
    monday = pairs_due_a_nudge(world, 12)
    barrier = threading.Barrier(2)
    insert, build = outbox.queue_many, nudges.build_contents
    built = collections.Counter()

    def insert_together(rows):
        # Both claims have read "not yet recorded" before either inserts: the race.
        barrier.wait(30)
        return insert(rows)

    def build_counted(users, now):
        built.update(u.pk for u in users)
        return build(users, now)

    monkeypatch.setattr(outbox, "queue_many", insert_together)
    monkeypatch.setattr(nudges, "build_contents", build_counted)
    # As if their batches did not line up: the batch lock does not keep them apart here.
    monkeypatch.setattr(nudges.locks, "try_batch", lambda name, number: True)
    results = []
    run_threads([lambda: results.append(nudges.claim_due(monday))] * 2)
    rows = SentEmail.objects.filter(kind="nudge")
    assert sum(r["pending"] for r in results) == rows.filter(status="pending").count() == 26
    assert sum(r["skipped"] for r in results) == rows.filter(status="skipped").count()
    # The loser of each insert waited for the winner's commit and built nothing.
    assert set(built.values()) == {1} and sum(built.values()) == rows.count()
    assert not rows.filter(status="pending", context={}).exists()


@pytest.mark.django_db(transaction=True)
def test_a_second_nudge_claim_skips_the_batch_being_claimed_and_takes_the_rest(world, monkeypatch):
    require_postgres()
    monday = pairs_due_a_nudge(world, 12)
    build = nudges.build_contents
    first_batch_held, second_done = threading.Event(), threading.Event()
    built, waited_out = {}, []

    def build_slowly(users, now):
        name = threading.current_thread().name
        built.setdefault(name, []).extend(u.pk for u in users)
        if name == "first" and not first_batch_held.is_set():
            first_batch_held.set()  # holding batch 1's lock until the other claim is done
            if not second_done.wait(15):
                waited_out.append("the second claim waited for the first batch")
        return build(users, now)

    monkeypatch.setattr(nudges, "build_contents", build_slowly)
    results = {}

    def claim(name):
        results[name] = nudges.claim_due(monday, batch_size=10)

    def second():
        assert first_batch_held.wait(60)
        claim("second")
        second_done.set()

    threads = [
        threading.Thread(target=lambda: (claim("first"), connection.close()), name="first"),
        threading.Thread(target=lambda: (second(), connection.close()), name="second"),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not waited_out
    rows = SentEmail.objects.filter(kind="nudge")
    # 27 people (24 in pairs + the world's): batches of 10, 10 and 7. The second claim did
    # not wait for the first batch; it took the other two, and nobody was built twice.
    assert rows.count() == 27
    assert len(built["first"]) == 10 and len(built["second"]) == 17
    assert not set(built["first"]) & set(built["second"])
    assert (
        results["first"]["pending"] + results["second"]["pending"]
        == rows.filter(status="pending").count()
    )


class RefusingCollector(Collector):
    """A Collector whose server refuses one recipient (550) while `refuse` names them."""

    def __init__(self, refuse, **kwargs):
        super().__init__(**kwargs)
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address == self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.mark.django_db(transaction=True)
def test_one_refused_nudge_in_a_batch_is_retried_alone_and_each_goes_out_once(world, smtp_at):
    require_postgres()
    monday = pairs_due_a_nudge(world, 6)
    nudges.claim_due(monday)
    expected = SentEmail.objects.filter(kind="nudge", status="pending").count()
    sink = smtp_at()
    sink.collector = RefusingCollector("e3@example.com")
    sink.controller.handler = sink.collector

    counts = outbox.deliver_due(monday, threads=1)  # one claimed batch, one connection
    assert counts["sent"] == expected - 1 and counts["retry"] == 1
    refused = SentEmail.objects.get(kind="nudge", status="pending")
    assert refused.to_email == "e3@example.com" and refused.attempts == 1
    assert "550" in refused.last_error
    sent = SentEmail.objects.filter(kind="nudge", status="sent")
    assert sent.count() == expected - 1 and not sent.filter(sent_at=None).exists()

    sink.collector.refuse = None  # the mailbox is back; the retry goes out after its delay
    later = refused.next_attempt_at + datetime.timedelta(seconds=1)
    assert outbox.deliver_due(later, threads=1)["sent"] == 1
    keys = keys_of(sink)
    assert len(keys) == expected and set(keys.values()) == {1}
    assert SentEmail.objects.filter(kind="nudge", status="sent").count() == expected
