"""mentorship.session_store and EmailBackend.get_user: the session row and the user are read
with compiled queries, and give exactly what Django's own store and backend give."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentorship.auth import EmailBackend
from mentorship.prepared import Prepared
from mentorship.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_the_project_reads_sessions_through_its_store():
    assert settings.SESSION_ENGINE == "mentorship.session_store"


def test_a_live_session_loads_as_djangos_store_loads_it():
    theirs = db.SessionStore()
    theirs["answer"] = 42
    theirs["when"] = "2026-12-03"
    theirs.create()
    mine = SessionStore(theirs.session_key)
    assert mine.load() == db.SessionStore(theirs.session_key).load() == theirs._session
    assert mine.session_key == theirs.session_key


UNKNOWN = ["", "short", "x" * 40, "no-such-session-key-at-all", "' OR 1=1 --"]


@pytest.mark.parametrize("key", UNKNOWN)
def test_an_unknown_key_is_an_empty_session_and_no_key(key):
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None


def test_an_expired_session_is_not_read():
    store = db.SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    mine = SessionStore(store.session_key)
    assert mine.load() == {}
    assert mine.session_key is None


def test_a_session_saved_by_this_store_round_trips():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}
    assert db.SessionStore(store.session_key).load() == {"answer": 42}


def test_the_user_comes_from_a_compiled_query(make_user):
    user = make_user("ada@example.com")
    backend = EmailBackend()
    assert backend.get_user(user.pk) == user
    assert backend.get_user(str(user.pk)) == user  # as a session stores it
    assert backend.get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert backend.get_user(user.pk) is None  # as ModelBackend: inactive users are out


def test_a_signed_in_page_reads_session_and_user_once_each_compiled_once(client, make_user):
    user = make_user("ada@example.com")
    client.force_login(user)
    client.get("/")
    ours = {"mentorship.session_store", "mentorship.auth"}
    compiled = [p for p in Prepared.every if p.__module__ in ours]
    assert len(compiled) == 2 and all(p._compiled for p in compiled)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    first = [q["sql"] for q in queries.captured_queries[:2]]
    assert "django_session" in first[0] and "mentorship_user" in first[1]
    assert sum("django_session" in q["sql"] for q in queries.captured_queries) == 1


def test_signing_out_ends_the_session(client, make_user):
    user = make_user("ada@example.com")
    client.force_login(user)
    key = client.session.session_key
    assert client.session[SESSION_KEY] == str(user.pk)
    client.post("/accounts/logout/")
    assert SessionStore(key).load() == {}
    assert client.get("/").status_code == 302
