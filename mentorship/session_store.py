"""Django's database sessions, read with a query compiled once (mentorship.prepared).

Every signed-in request reads its session row before anything else; building and compiling
that `get()` was about 0.3 ms of CPU per request on every page (tests/test_session_store.py).
Writing, expiry and the table are Django's own (django.contrib.sessions.backends.db).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from mentorship.prepared import Param, prepared


@prepared
def _live_session():
    key = Param("key", CharField(max_length=40))
    return Session.objects.filter(session_key=key, expire_date__gt=Param("now", DateTimeField()))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        # Django's own catches what its get() raises; a filtered list raises neither.
        key = self.session_key
        found = _live_session(key=key, now=timezone.now()) if key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
