"""The outbox: every email the product sends, exactly once, from SentEmail rows.

Deciding *that* an email is due (reminders, nudges, digests) only writes a pending
SentEmail row; its unique (kind, key) makes the decision happen once however many
workers or beat processes run it. Delivery is separate, so a slow SMTP server never
holds the locks of a claim:

1. claim a small batch of pending rows whose next_attempt_at has passed, with a
   compare-and-set on ``attempts`` (safe on every database; on PostgreSQL the
   ``SKIP LOCKED`` select also keeps concurrent workers off each other's rows) and a
   lease: next_attempt_at moves to the moment of the claim + the lease, which is
   longer than the batch can take (batch size x EMAIL_TIMEOUT) and is renewed while
   the batch is still sending; a worker killed mid-batch leaves rows that another
   round picks up once the lease has passed;
2. render each email at send time from the ids in ``context``, to the recipient's
   *current* address (a deleted user's rows are gone with them; an inactive user or
   an email that no longer applies is marked skipped);
3. send, then mark sent at once (its own commit); on an SMTP error back off
   (EMAIL_RETRY_DELAYS, from the failed attempt's moment, the last delay repeating)
   until EMAIL_RETRY_FOR has passed, then mark the row failed, where admins see it and
   may resend it.

Delivery is at least once: a worker or database connection lost between the SMTP
server's "accepted" and the "sent" mark leaves the row pending, and it is sent again
once its lease passes. Every row's email carries the same Message-ID each time
(message_id), so a receiving server or client can drop the repeat.
"""

import contextlib
import datetime
import functools
import hashlib
import logging
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.constants import OnConflict
from django.urls import reverse
from django.utils import timezone, translation

from notifications import links
from notifications.after_commit import enqueue, enqueue_at
from notifications.emails import absolute_url, build_email, recipient_language
from notifications.models import EmailPreference, SentEmail
from notifications.registry import AUDIENCE, CHAT, CHAT_KINDS, KINDS, Rendered

log = logging.getLogger(__name__)

DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200, 21600)  # seconds after attempt 1, 2, …
DEFAULT_RETRY_FOR = 3 * 24 * 60 * 60  # keep retrying (at the last delay) this long
DEFAULT_LEASE_SECONDS = 300
# A retry due sooner than this gets its own delayed sweep instead of waiting for beat's.
PROMPT_RETRY_SECONDS = 15 * 60

DELIVER_TASK = "notifications.deliver_email"
SWEEP_TASK = "notifications.deliver_pending_email"


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
    """Attempts made before a failing email may be given up (the listed delays); it is
    retried further, every last delay, until EMAIL_RETRY_FOR has passed (retry_for)."""
    return len(retry_delays()) + 1


def retry_for():
    return datetime.timedelta(seconds=getattr(settings, "EMAIL_RETRY_FOR", DEFAULT_RETRY_FOR))


def retry_delay(attempts):
    """Seconds to wait after the `attempts`-th failed attempt: the listed delays, then the
    last one again and again (the capped interval)."""
    delays = retry_delays()
    return delays[min(attempts, len(delays)) - 1]


def lease(batch_size=1):
    """How long a claim holds its rows: EMAIL_SEND_LEASE_SECONDS, and never less than the
    batch's worst case (each message and the connection may take EMAIL_TIMEOUT)."""
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 10
    seconds = getattr(settings, "EMAIL_SEND_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)
    return datetime.timedelta(seconds=max(seconds, (batch_size + 1) * timeout))


def _clock(now=None):
    """The moment something happens: the clock, or the round's `now` if that is later (a
    round run as of a future moment, as tests and `send_due` may do)."""
    current = timezone.now()
    return max(now, current) if now else current


def message_id(row):
    """The same Message-ID every time this row is sent, unique to the row and the site, so a
    receiver can drop a repeat sent after a crash between "accepted" and "marked sent"."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    digest = hashlib.sha256(
        f"{settings.SITE_URL}|{row.pk}|{row.kind}|{row.key}".encode()
    ).hexdigest()[:20]
    return f"<mentorship.{row.pk}.{digest}@{domain}>"


def new_row(
    kind, key, user, context, now, status=SentEmail.Status.PENDING, last_error="", to_email=None
):
    """An unsaved SentEmail for (kind, key), due at `now`: for record() and record_many().
    `user` may be None for a kind whose `prepare` finds the recipient by `to_email`."""
    return SentEmail(
        kind=kind,
        key=key,
        user=user,
        to_email=user.email if to_email is None else to_email,
        status=status,
        context=context,
        last_error=last_error,
        next_attempt_at=now,
        retry_since=now,
    )


def record(kind, key, user, context, status=SentEmail.Status.PENDING, now=None, to_email=None):
    """Write the one row for (kind, key): its id, or None if it already existed."""
    row = new_row(kind, key, user, context, now or timezone.now(), status=status, to_email=to_email)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return row.pk
    except IntegrityError:
        return None


def queue(kind, key, user, context, now=None, to_email=None):
    """Queue one email of a registered kind, once per (kind, key): its row id, or None if
    it was queued before. It is sent right after the transaction commits (a worker runs
    DELIVER_TASK); if that never happens, the periodic sweep sends it, with retries."""
    row_id = record(kind, key, user, context, now=now, to_email=to_email)
    if row_id:
        enqueue(DELIVER_TASK, row_id)
    return row_id


def record_many(rows):
    """Insert SentEmail rows, keeping any (kind, key) that already exists: returns the rows
    this call inserted (another process may have inserted the rest at the same moment).

    bulk_create(ignore_conflicts=True) cannot tell which rows went in, so this is the
    same INSERT … ON CONFLICT DO NOTHING with RETURNING (PostgreSQL, SQLite ≥ 3.35).
    """
    if not rows:
        return []
    fields = [f for f in SentEmail._meta.concrete_fields if not f.primary_key]
    returning = [SentEmail._meta.pk, *(SentEmail._meta.get_field(n) for n in ("kind", "key"))]
    inserted = []
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        # QuerySet._insert is what bulk_create runs, minus its refusal to return rows
        # with ON CONFLICT; only the rows actually inserted come back.
        returned = SentEmail.objects._insert(
            chunk, fields, returning_fields=returning, on_conflict=OnConflict.IGNORE
        )
        by_key = {(row.kind, row.key): row for row in chunk}
        # A one-row insert that hit a conflict comes back as [None] (fetchone()).
        for row_pk, kind, key in filter(None, returned or []):
            row = by_key[(kind, key)]
            row.pk = row_pk
            row._state.adding = False
            inserted.append(row)
    return inserted


def queue_many(rows):
    """Queue many emails (rows from new_row) for the next delivery round; the caller,
    usually a periodic claim, runs deliver_due right after. Existing (kind, key) stay.
    Returns the rows this call inserted."""
    return record_many(rows)


def claim(now=None, limit=50, ids=None):
    """Lease up to `limit` due pending rows (of `ids`, if given); returns them with their user.

    The lease runs from this claim, not from the start of the round (a round that has
    been sending for longer than a lease would otherwise hand out rows already expired).
    """
    now = now or timezone.now()
    # Only kinds this module renders: others send their own rows.
    claimed = claim_due(SentEmail, now, limit, lease(limit), ids, kind__in=sorted(KINDS))
    if not claimed:
        return []
    return list(
        SentEmail.objects.filter(pk__in=claimed)
        .select_related("user", "user__email_preference")
        .order_by("pk")
    )


def claim_due(model, now, limit, length, ids=None, **only):
    """The claim every outbox table uses (emails here, webhooks in webhooks.py): lease up to
    `limit` due pending rows of `model` (a status, attempts and next_attempt_at) until
    now + `length`, each to one claimer; returns their ids.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so concurrent claimers never wait for
    or take each other's rows. Elsewhere: a compare-and-set on `attempts`.
    """
    claimed = []
    with transaction.atomic():
        due = model.objects.select_for_update(skip_locked=True)
        if ids is not None:
            due = due.filter(pk__in=ids)
        candidates = list(
            due.filter(status="pending", next_attempt_at__lte=now, **only)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", "attempts")[:limit]
        )
        until = _clock(now) + length
        if connection.vendor == "postgresql":
            # The rows are locked FOR UPDATE by this transaction: all of them are ours.
            claimed = [pk for pk, _ in candidates]
            model.objects.filter(pk__in=claimed).update(
                attempts=F("attempts") + 1, next_attempt_at=until
            )
        else:
            for pk, attempts in candidates:
                # No row locks here: a compare-and-set on `attempts` picks one claimer.
                won = model.objects.filter(pk=pk, status="pending", attempts=attempts).update(
                    attempts=attempts + 1, next_attempt_at=until
                )
                if won:
                    claimed.append(pk)
    return claimed


class _Lease:
    """A claimed batch's lease, renewed for the rows not yet done while it sends."""

    def __init__(self, rows, now):
        self.now = now
        self.length = lease(len(rows))
        self.renewed = time.monotonic()

    def renew_if_due(self, remaining):
        # A third of the lease gone: push it out again for what is still to send.
        if not remaining or time.monotonic() - self.renewed < self.length.total_seconds() / 3:
            return
        self.renewed = time.monotonic()
        SentEmail.objects.filter(
            pk__in=[row.pk for row in remaining], status=SentEmail.Status.PENDING
        ).update(next_attempt_at=_clock(self.now) + self.length)


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
    attempted_at = _clock(now)
    delay = retry_delay(row.attempts)
    retry_at = attempted_at + datetime.timedelta(seconds=delay)
    started = row.retry_since or row.created_at
    if row.attempts >= max_attempts() and retry_at > started + retry_for():
        _finish(row, status=SentEmail.Status.FAILED, last_error=message)
        log.error("Email %s %s failed for good: %s", row.kind, row.key, message)
        return "failed"
    _finish(row, last_error=message, next_attempt_at=retry_at)
    log.warning(
        "Email %s %s attempt %s failed, retry in %ss", row.kind, row.key, row.attempts, delay
    )
    return "retry"


OUTCOMES = ("sent", "retry", "failed", "skipped")
CONNECTION_ERRORS = (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)
# Refusals of one message on a working connection (smtplib resets the transaction). They
# are OSErrors too (SMTPException is one), so they are told apart first: otherwise one
# refused recipient counted as a broken server and failed the rest of the batch with it.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
)


class NotMarked(Exception):
    """The SMTP server accepted the email but the "sent" mark could not be written."""


def _build(row, connection):
    """The row's email, ready to send, or the reason to skip it (a str)."""
    user = row.user
    if user is None:
        return "The recipient no longer exists."
    if not user.is_active:
        return "The recipient's account is deactivated."
    kind = KINDS.get(row.kind)
    if kind is None:
        return f"No renderer for {row.kind}."
    language = recipient_language(user)
    with translation.override(language):  # what the renderer words, in their language
        rendered = kind.render(row)
    if isinstance(rendered, str):
        return rendered
    headers = {
        "X-Mentorship-Email": f"{row.kind}:{row.key}",
        "Message-ID": message_id(row),
        **rendered.headers,
    }
    return build_email(
        rendered.template,
        user.email,  # the current address, never the one the row was created with
        # The one-click link rides in the body too, not only in List-Unsubscribe.
        {"user": user, "unsubscribe_url": rendered.unsubscribe_url, **rendered.context},
        headers=headers,
        unsubscribe_url=rendered.unsubscribe_url,
        connection=connection,
        language=language,
    )


def _send(row, connection):
    message = _build(row, connection)
    if isinstance(message, str):
        return _skip(row, message)
    if row.kind in CHAT_KINDS:
        diverted = CHAT.divert(row, message)  # to Slack or Teams, if the person chose it
        if diverted:
            return diverted
    message.send()
    try:
        # Autocommit: this mark is committed before the next email is sent.
        _mark_sent(row, message.subject)
    except DatabaseError as exc:
        raise NotMarked from exc
    return "sent"


@functools.cache
def _sent_sql(vendor):
    # Names from the model, quoted by the backend; the values go as parameters.
    meta, quote = SentEmail._meta, connection.ops.quote_name
    col = {name: quote(meta.get_field(name).column) for name in (
        "status", "sent_at", "to_email", "subject", "last_error", "id"
    )}  # fmt: skip
    sets = ", ".join(f"{col[n]} = %s" for n in ("status", "sent_at", "to_email", "subject"))
    where = f"{col['id']} = %s AND {col['status']} = %s"
    return f"UPDATE {quote(meta.db_table)} SET {sets}, {col['last_error']} = '' WHERE {where}"  # noqa: S608


def _mark_sent(row, subject):
    """_finish(row, status=SENT, …) as one plain statement: it runs once per email sent,
    and the ORM's query building cost more than the database's work (bench/nudges.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _sent_sql(connection.vendor),
            [
                SentEmail.Status.SENT,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                row.user.email,
                subject[:300],
                row.pk,
                SentEmail.Status.PENDING,
            ],
        )
        return cursor.rowcount


def deliver_due(now=None, batch_size=None, max_batches=None, threads=None):
    """Send every due pending email; returns counts per outcome.

    On PostgreSQL several threads (EMAIL_DELIVERY_THREADS) each claim their own
    batches (SKIP LOCKED keeps them apart) and keep their own SMTP connection, so one
    worker is not idle while a server or the database answers. Elsewhere: one thread.
    """
    now = now or timezone.now()
    if batch_size is None:
        batch_size = getattr(settings, "EMAIL_DELIVERY_BATCH", 50)
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
            if not _deliver_batch(rows, now, counts):
                break  # the database went away: the next round carries on
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
    """Send a claimed batch; False if the database failed under it (the rest of the batch
    keeps its lease and goes out in a later round)."""
    smtp = get_connection()
    held = _Lease(rows, now)
    broken = None  # the SMTP server is unreachable: the rest of the batch waits too
    retry_soonest = None
    try:
        try:
            _prepare(rows)
            smtp.open()  # one connection for the whole batch
        except CONNECTION_ERRORS + (smtplib.SMTPException,) as exc:
            broken = exc
        for index, row in enumerate(rows):
            if broken is not None:
                outcome = _failed_attempt(row, broken, now)
            else:
                try:
                    outcome = _send(row, smtp)
                except NotMarked:
                    log.exception(
                        "Email %s %s was sent but could not be marked sent; it will be sent "
                        "again (same Message-ID) once its lease passes",
                        row.kind,
                        row.key,
                    )
                    counts["sent"] += 1
                    connection.close_if_unusable_or_obsolete()
                    return False
                except MESSAGE_ERRORS as exc:
                    outcome = _failed_attempt(row, exc, now)
                except CONNECTION_ERRORS as exc:
                    broken = exc
                    outcome = _failed_attempt(row, exc, now)
                except smtplib.SMTPException as exc:
                    outcome = _failed_attempt(row, exc, now)
                except DatabaseError:
                    log.exception(
                        "Email %s %s: the database failed before sending", row.kind, row.key
                    )
                    connection.close_if_unusable_or_obsolete()
                    return False
                except Exception as exc:  # a rendering bug must not lose the email silently
                    log.exception("Email %s %s could not be built", row.kind, row.key)
                    outcome = _failed_attempt(row, exc, now)
            counts[outcome] += 1
            if outcome == "retry" and retry_delay(row.attempts) <= PROMPT_RETRY_SECONDS:
                retry_at = _clock(now) + datetime.timedelta(seconds=retry_delay(row.attempts))
                retry_soonest = min(retry_soonest or retry_at, retry_at)
            held.renew_if_due(rows[index + 1 :])
    except DatabaseError:
        log.exception("Email delivery: the database failed mid-batch")
        connection.close_if_unusable_or_obsolete()
        return False
    finally:
        with contextlib.suppress(Exception):  # closing a dead connection is not news
            smtp.close()
        if retry_soonest is not None:
            # Beat sweeps once a minute: a retry due in 60 s would wait up to 2 minutes.
            enqueue_at(retry_soonest, SWEEP_TASK)
    return True


def failed_for_admin(user):
    """Failed emails an admin may see (registry.AUDIENCE decides whose), newest first."""
    failed = SentEmail.objects.filter(status=SentEmail.Status.FAILED).select_related("user")
    return AUDIENCE.failed_scope(user, failed).order_by("-created_at", "-pk")


def resend_failed(user, ids=None):
    """Put failed emails the admin may see (these `ids`, or all) back in the queue, with a
    fresh retry window, and send them now; returns how many."""
    rows = failed_for_admin(user)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    now = timezone.now()
    # The scope may join through programs (distinct): update by the ids it yields.
    chosen = list(rows.values_list("pk", flat=True))
    count = SentEmail.objects.filter(pk__in=chosen, status=SentEmail.Status.FAILED).update(
        status=SentEmail.Status.PENDING, attempts=0, next_attempt_at=now, retry_since=now
    )
    if count:
        log.info("%s put %s failed email(s) back in the queue", user, count)
        enqueue(SWEEP_TASK)
    return count


def is_email_admin(user):
    return AUDIENCE.is_admin(user)
