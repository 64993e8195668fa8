"""The weekly admin digest: stalled pairs, overdue actions, unmatched people, failed email.

One email per admin per ISO week covering every program they run, on their nudge
weekday (their preference, else their earliest program's) from 09:00 local time.
Same exactly-once scheme as the nudge: SentEmail(kind="admin_digest", key="user:week").
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from insights.stalled import stalled_pairs
from mentorship.models import Participant, Program, User
from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions.models import NextAction
from sessions.nudges import weekly_slot

KIND = "admin_digest"
LIST_LIMIT = 20


def _stalled_entry(pair, today):
    last = pair.last_session.date() if pair.last_session else None
    started = pair.started_on or pair.created_at.date()
    return {
        "pair": f"{pair.mentor_name} ↔ {pair.mentee_name}",  # as str(Pair)
        "last": last.isoformat() if last else None,
        "since": (today - (last or started)).days,
    }


def program_summary(program, now):
    today = now.date()
    # The dashboard's rule and query; the digest lists them in pair order.
    stalled = sorted(stalled_pairs(program, now), key=lambda pair: pair.pk)
    overdue = NextAction.objects.filter(
        pair__program=program,
        pair__status__in=Pair.LIVE,
        status=NextAction.Status.OPEN,
        due_on__lt=today,
    )
    live = Pair.objects.filter(status__in=Pair.OCCUPYING).filter(
        Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk"))
    )
    unmatched = (
        Participant.objects.filter(program=program, status=Participant.Status.ACTIVE)
        .annotate(paired=Exists(live))
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
        "stalled": [_stalled_entry(pair, today) for pair in stalled[:LIST_LIMIT]],
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
        weekday = pref.nudge_weekday if pref is not None else None
        if weekday is None:
            weekday = admin.programs[0].nudge_weekday
        week, moment = weekly_slot(admin.time_zone, weekday, now)
        if now >= moment:
            due.append((admin, f"{admin.pk}:{week}"))
    done = set(
        SentEmail.objects.filter(kind=KIND, key__in=[key for _, key in due]).values_list(
            "key", flat=True
        )
    )
    summaries = {}  # program pk -> summary: a program with several admins is summed up once
    for admin, key in due:
        if key in done:
            continue
        for program in admin.programs:
            if program.pk not in summaries:
                summaries[program.pk] = program_summary(program, now)
        mine = [summaries[p.pk] for p in admin.programs if not _is_empty(summaries[p.pk])]
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
