"""Check-ins as program admins see them: counts, averages and shares, never a word anyone
wrote (no query here selects a text column). The pairs where someone asked for help are
listed by names and dates only.
"""

from django.db import connection
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth, TruncWeek

from checkins.models import CheckIn, HelpRequest

ANSWERED = Q(answered_at__isnull=False)


def program_figures(program, start, end):
    """Check-ins due in [start, end): invited, answered, average score, "not a good fit"
    (count and share of those who answered the question), help and re-match requests."""
    due = CheckIn.objects.filter(program=program, due_at__gte=start, due_at__lt=end)
    row = due.aggregate(
        invited=Count("pk"),
        answered=Count("pk", filter=ANSWERED),
        average=Avg("score", filter=ANSWERED),
        not_fit=Count("pk", filter=ANSWERED & Q(good_fit=False)),
        fit_answered=Count("pk", filter=ANSWERED & Q(good_fit__isnull=False)),
        help=Count("pk", filter=ANSWERED & Q(wants_help=True)),
    )
    return with_shares(row)


# program_figures as one SELECT (for insights' single statement on PostgreSQL, which reads
# the check-ins with the program's other figures); the tests hold it equal to the above.
PROGRAM_FIGURES_SQL = (
    {
        "invited": "count(*)",
        "answered": "count(*) FILTER (WHERE answered_at IS NOT NULL)",
        "average": "avg(score) FILTER (WHERE answered_at IS NOT NULL)",
        "not_fit": "count(*) FILTER (WHERE answered_at IS NOT NULL AND NOT good_fit)",
        "fit_answered": "count(*) FILTER (WHERE answered_at IS NOT NULL AND good_fit IS NOT NULL)",
        "help": "count(*) FILTER (WHERE answered_at IS NOT NULL AND wants_help)",
    },
    "FROM checkins_checkin"
    " WHERE program_id = %(program)s AND due_at >= %(start)s AND due_at < %(end)s",
)


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


def score_series_by_edges(program, start, end, edges):
    """score_series on PostgreSQL, bucketed by the buckets' first moments (`edges`, sorted,
    the first at or before `start`): {index in edges: (average score, answers)}. One
    width_bucket per answer, not a time zone conversion and a truncation (37,000 answers
    in a ten-year x10 program: 12 -> 7 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT width_bucket(answered_at, %(edges)s::timestamptz[]) - 1, avg(score), count(*)"
            " FROM checkins_checkin WHERE program_id = %(program)s AND answered_at >= %(start)s"
            " AND answered_at < %(end)s AND score IS NOT NULL GROUP BY 1",
            {"edges": edges, "program": program.pk, "start": start, "end": end},
        )
        return {i: (float(average), n) for i, average, n in cursor.fetchall()}


def open_requests(program, limit=50):
    """Open help and re-match requests (admins' tasks), oldest first: who, which pair, when."""
    return list(
        HelpRequest.objects.filter(pair__program=program, resolved_at__isnull=True)
        .select_related("user", "pair__mentor__user", "pair__mentee__user")
        .order_by("created_at", "pk")[:limit]
    )


def pairs_asking_for_help(program):
    """How many pairs have an open help or re-match request."""
    return (
        HelpRequest.objects.filter(pair__program=program, resolved_at__isnull=True)
        .values("pair_id")
        .distinct()
        .count()
    )
