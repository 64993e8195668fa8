"""Check-ins as program admins see them: counts, averages and shares, never a word anyone
wrote (no query here selects a text column). The pairs where someone asked for help are
listed by names and dates only.
"""

import dataclasses
import datetime

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse

from checkins.models import CheckIn, HelpRequest
from mentorship.models import User
from pairs.models import Pair

ANSWERED = Q(answered_at__isnull=False)


def due_checkins(program, start, end):
    """Check-ins due in [start, end), and their counts: invited, answered, average score,
    "not a good fit" (count, and those who answered the question), help requests."""
    due = CheckIn.objects.filter(program=program, due_at__gte=start, due_at__lt=end)
    return due, {
        "invited": Count("pk"),
        "answered": Count("pk", filter=ANSWERED),
        "average": Avg("score", filter=ANSWERED),
        "not_fit": Count("pk", filter=ANSWERED & Q(good_fit=False)),
        "fit_answered": Count("pk", filter=ANSWERED & Q(good_fit__isnull=False)),
        "help": Count("pk", filter=ANSWERED & Q(wants_help=True)),
    }


def program_figures(program, start, end):
    """due_checkins' counts with their shares (insights reads them in its one statement,
    or on PostgreSQL from its daily rollups: this is their reference)."""
    rows, counts = due_checkins(program, start, end)
    return with_shares(rows.aggregate(**counts))


def with_shares(row):
    """program_figures' row with its shares (and the average as a float, as Avg gives it)."""
    if row["average"] is not None:
        row["average"] = float(row["average"])
    row["not_fit_share"] = row["not_fit"] / row["fit_answered"] if row["fit_answered"] else None
    row["answer_share"] = row["answered"] / row["invited"] if row["invited"] else None
    return row


def score_series(program, start, end, weekly):
    """{bucket start (date or datetime): (average score, answers)} of answers in the range."""
    trunc = TruncWeek if weekly else TruncMonth
    rows = (
        CheckIn.objects.filter(
            program=program, answered_at__gte=start, answered_at__lt=end, score__isnull=False
        )
        .annotate(bucket=trunc("answered_at"))
        .values("bucket")
        .annotate(average=Avg("score"), n=Count("pk"))
        .order_by()
    )
    return {r["bucket"]: (r["average"], r["n"]) for r in rows}


@dataclasses.dataclass
class OpenRequest:
    """An open help or re-match request as the admins' list shows it: plain values."""

    pk: int
    pair_id: int
    kind: str
    kind_label: str
    created_at: datetime.datetime
    user_name: str
    names: str  # "mentor ↔ mentee"
    pair_url: str
    resolve_url: str


def open_requests(program, limit=50):
    """Open help and re-match requests (admins' tasks), oldest first: who, which pair, when.
    Read as plain values (no five models per row) with their links made here (one reverse()
    per list, not one {% url %} per row)."""
    rows = (
        HelpRequest.objects.filter(pair__program=program, resolved_at__isnull=True)
        .order_by("created_at", "pk")
        .values_list(
            "pk", "pair_id", "kind", "created_at", "user__display_name", "user__email",
            "pair__mentor__user__display_name", "pair__mentor__user__email",
            "pair__mentee__user__display_name", "pair__mentee__user__email",
        )[:limit]
    )  # fmt: skip
    resolve = reverse("checkins:resolve", args=[program.slug, 999999999])
    labels = dict(HelpRequest.Kind.choices)
    found = []
    for pk, pair_id, kind, created_at, *people in rows:
        user, mentor, mentee = (User.name_of(*people[i : i + 2]) for i in (0, 2, 4))
        found.append(
            OpenRequest(
                pk=pk,
                pair_id=pair_id,
                kind=kind,
                kind_label=labels.get(kind, kind),
                created_at=created_at,
                user_name=user,
                names=f"{mentor} ↔ {mentee}",
                pair_url=Pair.url_for(pair_id),
                resolve_url=resolve.replace("999999999", str(pk)),
            )
        )
    return found


def pairs_asking_for_help(program):
    """How many pairs have an open help or re-match request."""
    return (
        HelpRequest.objects.filter(pair__program=program, resolved_at__isnull=True)
        .values("pair_id")
        .distinct()
        .count()
    )
