"""The pair's working agreement: how often and how they meet, what each hopes to learn and
teach. Each person writes their own hopes and confirms their side; either may change the
shared terms, which clears the partner's confirmation (both always confirm the same words).
"""

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.prepared import Param, prepared
from pairs.models import Pair
from sessions.models import Agreement

SHARED = ("cadence", "format")
TERM_MAX = 200
HOPE_MAX = 2000


class AgreementError(Exception):
    """Something the person must fix; the message is for them."""


def for_pair(pair):
    """The pair's agreement, or an unsaved empty one (1 query)."""
    found = _agreement(pair=pair.pk)
    return found[0] if found else Agreement(pair=pair, version=0)


@prepared  # on every pair page: compiled once (mentorship.prepared)
def _agreement():
    return Agreement.objects.filter(pair=Param("pair", BigIntegerField())).order_by("pk")[:1]


def confirmed_by(agreement, pair):
    """[(person, role, confirmed at or None)], mentor first: who has confirmed."""
    return [
        (pair.mentor.user, "mentor", agreement.mentor_confirmed_at),
        (pair.mentee.user, "mentee", agreement.mentee_confirmed_at),
    ]


@transaction.atomic
def save(pair, role, *, cadence, format, learn, teach, confirm, version):
    """Save my side (and the shared terms); raise AgreementError on a stale form."""
    if pair.status not in Pair.LIVE:
        raise AgreementError(_("This pairing has ended: its agreement can no longer change."))
    values = {
        "cadence": (cadence or "").strip()[:TERM_MAX],
        "format": (format or "").strip()[:TERM_MAX],
        f"{role}_learn": (learn or "").strip()[:HOPE_MAX],
        f"{role}_teach": (teach or "").strip()[:HOPE_MAX],
    }
    if confirm and not any(values.values()):
        raise AgreementError(_("Write something to agree on before confirming."))
    partner = "mentee" if role == "mentor" else "mentor"
    now = timezone.now()
    current = Agreement.objects.select_for_update().filter(pair=pair).first()
    if current is None:
        if version:
            raise AgreementError(_("The agreement changed meanwhile. Reload to see it."))
        try:
            with transaction.atomic():
                return Agreement.objects.create(
                    pair=pair, **values, **{f"{role}_confirmed_at": now if confirm else None}
                )
        except IntegrityError as exc:
            raise AgreementError(
                _("Your partner started the agreement meanwhile. Reload to see it.")
            ) from exc
    if (version or 0) != current.version:
        raise AgreementError(
            _(
                "Your partner changed the agreement meanwhile. Your text is still in the "
                "form: copy what you need, then reload."
            )
        )
    changes = dict(values)
    if any(getattr(current, name) != values[name] for name in SHARED):
        changes[f"{partner}_confirmed_at"] = None  # they agreed to other terms
    if confirm:
        changes[f"{role}_confirmed_at"] = getattr(current, f"{role}_confirmed_at") or now
        if any(getattr(current, k) != v for k, v in values.items()):
            changes[f"{role}_confirmed_at"] = now
    else:
        changes[f"{role}_confirmed_at"] = None
    Agreement.objects.filter(pk=current.pk).update(version=F("version") + 1, **changes)
    current.refresh_from_db()
    return current
