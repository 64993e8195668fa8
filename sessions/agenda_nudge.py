"""The agenda nudge: once a week, the quieter side of a pair (who brought fewer questions
lately, sessions.agenda.quieter_sides) is invited to add a question to the next session.

It goes out on the person's weekly moment (mentorship.weekly, the weekly nudge's day), once
per pair, person and ISO week: SentEmail(kind="agenda_nudge", key="pair:user:YYYY-Www") is
unique. Its own list ("agenda_nudges") lets people leave it without leaving the weekly nudge.
The email names the partner and links to the agenda; it never quotes an agenda item.
"""

from django.urls import reverse
from django.utils import timezone

from mentorship.weekly import due_now
from notifications import outbox
from notifications.emails import absolute_url
from notifications.models import EmailPreference, SentEmail
from pairs.models import Pair
from sessions import agenda
from sessions.models import AgendaItem
from sessions.nudges import _weekdays

KIND = "agenda_nudge"
LIST = "agenda_nudges"


def _pairs_batches(size):
    last = 0
    live = Pair.objects.filter(status=Pair.Status.ACTIVE).select_related(
        "mentor__user", "mentee__user"
    )
    while True:
        chunk = list(live.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def claim_due(now=None, batch_size=500):
    """Record this week's agenda invitations that are due now; returns counts."""
    now = now or timezone.now()
    counts = {"pending": 0}
    for pairs in _pairs_batches(batch_size):
        quiet = agenda.quieter_sides([p.pk for p in pairs], now)
        invitees = []
        for pair in pairs:
            for role in quiet[pair.pk]:
                user = (pair.mentor if role == "mentor" else pair.mentee).user
                if user.is_active:
                    invitees.append((pair, user))
        if not invitees:
            continue
        ids = list({u.pk for _, u in invitees})
        prefs = {p.user_id: p for p in EmailPreference.objects.filter(user_id__in=ids)}
        weekdays = _weekdays(ids, prefs)
        rows = []
        for pair, user in invitees:
            pref = prefs.get(user.pk)
            if pref is not None and not pref.agenda_nudges:
                continue
            week, is_due = due_now(user.time_zone, weekdays[user.pk], now)
            if is_due:
                key = f"{pair.pk}:{user.pk}:{week}"
                rows.append(outbox.new_row(KIND, key, user, {"pair": pair.pk}, now))
        if rows:
            done = set(
                SentEmail.objects.filter(kind=KIND, key__in=[r.key for r in rows]).values_list(
                    "key", flat=True
                )
            )
            for row in outbox.queue_many([r for r in rows if r.key not in done]):
                counts[row.status] = counts.get(row.status, 0) + 1
    return counts


def render(row):
    user = row.user
    if outbox.opted_out(user, LIST):
        return "The recipient turned agenda invitations off."
    pair = (
        Pair.objects.filter(pk=(row.context or {}).get("pair"))
        .select_related("program", "mentor__user", "mentee__user")
        .first()
    )
    if pair is None or pair.status != Pair.Status.ACTIVE:
        return "The pairing is no longer active."
    role = pair.role_of(user)
    if role is None:
        return "The recipient is no longer in this pairing."
    added = AgendaItem.objects.filter(pair=pair, author=user)
    if row.created_at is not None and added.filter(created_at__gte=row.created_at).exists():
        return "The recipient added to the agenda meanwhile."
    partner = pair.mentee.user if role == "mentor" else pair.mentor.user
    return outbox.list_email(
        KIND,
        user,
        LIST,
        {
            "partner": partner.name,
            "program": pair.program.name,
            "agenda_url": absolute_url(reverse("sessions:agenda", args=[pair.pk])),
        },
    )
