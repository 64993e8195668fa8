"""The weekly admin digest: stalled pairs, overdue actions, unmatched people, failed email.

One email per admin per ISO week covering every program they run, on their nudge
weekday (their preference, else their earliest program's) from 09:00 local time.
Same exactly-once scheme as the nudge: SentEmail(kind="admin_digest", key="user:week").
"""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from insights.stalled import stalled_pairs
from mentorship.models import Participant, Program, User
from mentorship.timezones import local_date, local_today
from mentorship.weekly import due_now, weekday_for
from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import EmailPreference, SentEmail
from pairs.relations import matched_expression
from sessions import cadence
from sessions.models import NextAction

KIND = "admin_digest"
LIST_LIMIT = 20


def _stalled_entry(pair, today, who):
    last = local_date(pair.last_session, who) if pair.last_session else None
    since = cadence.days_since(pair.last_session, pair.started_on, pair.created_at, today, who)
    return {
        "pair": f"{pair.mentor_name} ↔ {pair.mentee_name}",  # as str(Pair)
        "last": last.isoformat() if last else None,
        "since": since,
    }


def program_summary(program, now, who="UTC"):
    """What the digest says of one program, with days on `who`'s (the admin's) calendar."""
    today = local_today(who, now)
    # The health page's rule and query; the digest lists them in pair order.
    stalled = sorted(stalled_pairs(program, now, who), key=lambda pair: pair.pk)
    overdue = NextAction.objects.filter(pair__program=program).overdue(today)
    unmatched = (
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        .annotate(paired=matched_expression())
        .filter(paired=False)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    failed = SentEmail.objects.filter(
        status=SentEmail.Status.FAILED, user__participations__program=program
    ).distinct()
    return {
        "program": program.name,
        "slug": program.slug,
        "cadence_days": program.cadence_days,
        "stalled": [_stalled_entry(pair, today, who) for pair in stalled[:LIST_LIMIT]],
        "stalled_count": len(stalled),
        "overdue_count": overdue.count(),
        "overdue_pairs": overdue.values("pair").distinct().count(),
        "unmatched": [p.user.name for p in unmatched[:LIST_LIMIT]],
        "unmatched_count": unmatched.count(),
        "failed_count": failed.count(),
    }


def _is_empty(summary):
    return not (
        summary["stalled_count"]
        or summary["overdue_count"]
        or summary["unmatched_count"]
        or summary["failed_count"]
    )


def claim_due(now=None):
    """Record this week's digest for each admin whose moment has passed; returns counts."""
    now = now or timezone.now()
    counts = {"pending": 0, "skipped": 0}
    admins = list(
        User.objects.filter(is_active=True, administered_programs__isnull=False)
        .distinct()
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "administered_programs",
                queryset=Program.objects.order_by("start_date", "pk"),
                to_attr="programs",
            )
        )
    )
    prefs = {p.user_id: p for p in EmailPreference.objects.filter(user__in=admins)}
    due = []
    for admin in admins:
        pref = prefs.get(admin.pk)
        if pref is not None and not pref.digests:
            continue
        weekday = weekday_for(pref, admin.programs[0].nudge_weekday)
        week, is_due = due_now(admin.time_zone, weekday, now)
        if is_due:
            due.append((admin, f"{admin.pk}:{week}"))
    done = set(
        SentEmail.objects.filter(kind=KIND, key__in=[key for _, key in due]).values_list(
            "key", flat=True
        )
    )
    # (program pk, the admin's today) -> summary: summed up once for admins sharing a day.
    summaries = {}
    for admin, key in due:
        if key in done:
            continue
        day = local_today(admin, now)
        for program in admin.programs:
            if (program.pk, day) not in summaries:
                summaries[program.pk, day] = program_summary(program, now, admin)
        mine = [summaries[p.pk, day] for p in admin.programs if not _is_empty(summaries[p.pk, day])]
        status = SentEmail.Status.PENDING if mine else SentEmail.Status.SKIPPED
        if outbox.record(KIND, key, admin, {"programs": mine}, status=status, now=now):
            counts[status] += 1
    return counts


def _program_url(slug):
    return absolute_url(reverse("programs:detail", args=[slug]))


def render(row):
    user = row.user
    if outbox.opted_out(user, "digests"):
        return "The recipient turned the admin digest off."
    summaries = row.context.get("programs", [])
    if not user.is_superuser:  # only programs the recipient still runs
        runs = set(user.administered_programs.values_list("slug", flat=True))
        summaries = [s for s in summaries if s["slug"] in runs]
    programs = [{**s, "url": _program_url(s["slug"])} for s in summaries]
    if not programs:
        return "The recipient no longer runs these programs."
    return outbox.list_email(
        "admin_digest",
        user,
        "digests",
        {"programs": programs, "failed_url": absolute_url(reverse("emails:failed"))},
    )
