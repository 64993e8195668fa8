"""The outbox: every email the product sends, exactly once, from SentEmail rows.

Deciding *that* an email is due (reminders, nudges, digests) only writes a pending
SentEmail row; its unique (kind, key) makes the decision happen once however many
workers or beat processes run it. Delivery is separate, so a slow SMTP server never
holds the locks of a claim:

1. claim a small batch of pending rows whose next_attempt_at has passed, with a
   compare-and-set on ``attempts`` (safe on every database; on PostgreSQL the
   ``SKIP LOCKED`` select also keeps concurrent workers off each other's rows) and a
   lease: next_attempt_at moves to now + lease, so a worker killed mid-batch leaves
   rows that another round picks up once the lease has passed;
2. render each email at send time from the ids in ``context``, to the recipient's
   *current* address (a deleted user's rows are gone with them; an inactive user or
   an email that no longer applies is marked skipped);
3. send, then mark sent; on an SMTP error back off (EMAIL_RETRY_DELAYS) and after
   the last retry mark the row failed, where admins see it.
"""

import contextlib
import datetime
import logging
import smtplib
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from notifications import links
from notifications.after_commit import enqueue
from notifications.emails import absolute_url, build_email
from notifications.models import EmailPreference, SentEmail
from notifications.registry import AUDIENCE, KINDS, Rendered

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # seconds after attempt 1, 2, …
DEFAULT_LEASE_SECONDS = 300

DELIVER_TASK = "notifications.deliver_email"


def list_email(template, user, list_name, context):
    """A Rendered email of a list one can leave (registry.LISTS): it carries the preferences
    link and the one-click unsubscribe from that list, in the headers and in the body."""
    return Rendered(
        template=template,
        context={**context, "preferences_url": absolute_url(reverse("emails:preferences"))},
        unsubscribe_url=links.make_url(links.UNSUBSCRIBE, user, list_name),
    )


def retry_delays():
    return tuple(getattr(settings, "EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def max_attempts():
    return len(retry_delays()) + 1


def lease():
    return datetime.timedelta(
        seconds=getattr(settings, "EMAIL_SEND_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    )


def new_row(kind, key, user, context, now, status=SentEmail.Status.PENDING, last_error=""):
    """An unsaved SentEmail for (kind, key), due at `now`: for record() and record_many()."""
    return SentEmail(
        kind=kind,
        key=key,
        user=user,
        to_email=user.email,
        status=status,
        context=context,
        last_error=last_error,
        next_attempt_at=now,
    )


def record(kind, key, user, context, status=SentEmail.Status.PENDING, now=None):
    """Write the one row for (kind, key): its id, or None if it already existed."""
    row = new_row(kind, key, user, context, now or timezone.now(), status=status)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row.pk
    except IntegrityError:
        return None


def queue(kind, key, user, context, now=None):
    """Queue one email of a registered kind, once per (kind, key): its row id, or None if
    it was queued before. It is sent right after the transaction commits (a worker runs
    DELIVER_TASK); if that never happens, the periodic sweep sends it, with retries."""
    row_id = record(kind, key, user, context, now=now)
    if row_id:
        enqueue(DELIVER_TASK, row_id)
    return row_id


def record_many(rows):
    """Insert SentEmail rows, silently keeping any (kind, key) that already exists."""
    if rows:
        SentEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def queue_many(rows):
    """Queue many emails (rows from new_row) for the next delivery round; the caller,
    usually a periodic claim, runs deliver_due right after. Existing (kind, key) stay."""
    record_many(rows)


def claim(now=None, limit=50, ids=None):
    """Lease up to `limit` due pending rows (of `ids`, if given); returns them with their user."""
    now = now or timezone.now()
    until = now + lease()
    claimed = []
    with transaction.atomic():
        due = SentEmail.objects.select_for_update(skip_locked=True)
        if ids is not None:
            due = due.filter(pk__in=ids)
        candidates = list(
            due.filter(status=SentEmail.Status.PENDING, next_attempt_at__lte=now)
            # Only kinds this module renders: others send their own rows.
            .filter(kind__in=sorted(KINDS))
            .order_by("next_attempt_at", "pk")
            .values_list("pk", "attempts")[:limit]
        )
        if connection.vendor == "postgresql":
            # The rows are locked FOR UPDATE by this transaction: all of them are ours.
            claimed = [pk for pk, _ in candidates]
            SentEmail.objects.filter(pk__in=claimed).update(
                attempts=F("attempts") + 1, next_attempt_at=until
            )
        else:
            for pk, attempts in candidates:
                # No row locks here: a compare-and-set on `attempts` picks one claimer.
                won = SentEmail.objects.filter(
                    pk=pk, status=SentEmail.Status.PENDING, attempts=attempts
                ).update(attempts=attempts + 1, next_attempt_at=until)
                if won:
                    claimed.append(pk)
    if not claimed:
        return []
    return list(
        SentEmail.objects.filter(pk__in=claimed)
        .select_related("user", "user__email_preference")
        .order_by("pk")
    )


def preference(user):
    """The user's EmailPreference or None (loaded with the claimed row, no extra query)."""
    try:
        return user.email_preference
    except EmailPreference.DoesNotExist:
        return None


def opted_out(user, field):
    pref = preference(user)
    return pref is not None and not getattr(pref, field)


def _finish(row, **changes):
    # Only the lease holder's outcome counts: status must still be pending.
    return SentEmail.objects.filter(pk=row.pk, status=SentEmail.Status.PENDING).update(**changes)


@contextlib.contextmanager
def _async_commit():
    """On PostgreSQL, do not wait for the WAL flush of each 'sent' mark.

    A worker killed right after a commit still has it recorded (the server has it);
    only a crash of the database server itself could lose the last fraction of a
    second of marks, and those emails would then be sent again, never lost.
    """
    if connection.vendor != "postgresql" or not connection.get_autocommit():
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _skip(row, reason):
    _finish(row, status=SentEmail.Status.SKIPPED, last_error=reason[:2000])
    return "skipped"


def _failed_attempt(row, error, now):
    message = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= max_attempts():
        _finish(row, status=SentEmail.Status.FAILED, last_error=message)
        log.error("Email %s %s failed for good: %s", row.kind, row.key, message)
        return "failed"
    delay = retry_delays()[min(row.attempts, len(retry_delays())) - 1]
    _finish(row, last_error=message, next_attempt_at=now + datetime.timedelta(seconds=delay))
    log.warning(
        "Email %s %s attempt %s failed, retry in %ss", row.kind, row.key, row.attempts, delay
    )
    return "retry"


OUTCOMES = ("sent", "retry", "failed", "skipped")
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)


def _send(row, connection):
    user = row.user
    if user is None:
        return _skip(row, "The recipient no longer exists.")
    if not user.is_active:
        return _skip(row, "The recipient's account is deactivated.")
    kind = KINDS.get(row.kind)
    if kind is None:
        return _skip(row, f"No renderer for {row.kind}.")
    rendered = kind.render(row)
    if isinstance(rendered, str):
        return _skip(row, rendered)
    headers = {"X-Mentorship-Email": f"{row.kind}:{row.key}", **rendered.headers}
    message = build_email(
        rendered.template,
        user.email,  # the current address, never the one the row was created with
        # The one-click link rides in the body too, not only in List-Unsubscribe.
        {"user": user, "unsubscribe_url": rendered.unsubscribe_url, **rendered.context},
        headers=headers,
        unsubscribe_url=rendered.unsubscribe_url,
        connection=connection,
    )
    message.send()
    _finish(
        row,
        status=SentEmail.Status.SENT,
        sent_at=timezone.now(),
        to_email=user.email,
        subject=message.subject[:300],
        last_error="",
    )
    return "sent"


def deliver_due(now=None, batch_size=50, max_batches=None, threads=None):
    """Send every due pending email; returns counts per outcome.

    On PostgreSQL several threads (EMAIL_DELIVERY_THREADS) each claim their own
    batches (SKIP LOCKED keeps them apart) and keep their own SMTP connection, so one
    worker is not idle while a server or the database answers. Elsewhere: one thread.
    """
    now = now or timezone.now()
    if threads is None:
        threads = getattr(settings, "EMAIL_DELIVERY_THREADS", 4)
    # Other threads have their own connections: they cannot see uncommitted rows.
    if threads <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return _deliver_loop(now, batch_size, max_batches)

    def run():
        try:
            return _deliver_loop(now, batch_size, max_batches)
        finally:
            connection.close()  # this thread's own database connection

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="deliver") as pool:
        results = [f.result() for f in [pool.submit(run) for _ in range(threads)]]
    return {key: sum(r[key] for r in results) for key in results[0]}


def deliver_rows(ids, now=None):
    """Send these pending rows now (one SMTP connection); the periodic sweep retries them."""
    now = now or timezone.now()
    counts = dict.fromkeys(OUTCOMES, 0)
    rows = claim(now, limit=len(ids), ids=ids)
    if rows:
        _deliver_batch(rows, now, counts)
    return counts


def _deliver_loop(now, batch_size, max_batches):
    counts = dict.fromkeys(OUTCOMES, 0)
    batches = 0
    with _async_commit():
        while max_batches is None or batches < max_batches:
            rows = claim(now, batch_size)
            if not rows:
                break
            batches += 1
            _deliver_batch(rows, now, counts)
    return counts


def _prepare(rows):
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    for name, some in by_kind.items():
        kind = KINDS.get(name)
        if kind is not None and kind.prepare is not None:
            kind.prepare(some)


def _deliver_batch(rows, now, counts):
    smtp = get_connection()
    broken = None  # the SMTP server is unreachable: the rest of the batch waits too
    try:
        try:
            _prepare(rows)
            smtp.open()  # one connection for the whole batch
        except CONNECTION_ERRORS + (smtplib.SMTPException,) as exc:
            broken = exc
        for row in rows:
            if broken is not None:
                counts[_failed_attempt(row, broken, now)] += 1
                continue
            try:
                counts[_send(row, smtp)] += 1
            except CONNECTION_ERRORS as exc:
                broken = exc
                counts[_failed_attempt(row, exc, now)] += 1
            except smtplib.SMTPException as exc:
                counts[_failed_attempt(row, exc, now)] += 1
            except Exception as exc:  # a rendering bug must not lose the email silently
                log.exception("Email %s %s could not be built", row.kind, row.key)
                counts[_failed_attempt(row, exc, now)] += 1
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection is not news
            smtp.close()


def failed_for_admin(user):
    """Failed emails an admin may see (registry.AUDIENCE decides whose), newest first."""
    failed = SentEmail.objects.filter(status=SentEmail.Status.FAILED).select_related("user")
    return AUDIENCE.failed_scope(user, failed).order_by("-created_at")


def is_email_admin(user):
    return AUDIENCE.is_admin(user)
