"""PostgreSQL plans a page's repeated queries once: server-side binding and prepared
statements (mentorship/config.py, DATABASE_PREPARE)."""

import pytest
from django.db import connection

from mentorship.config import PREPARE_THRESHOLD, ConfigError, database_from_url
from mentorship.models import User

URL = "postgres://u:p@127.0.0.1:5432/db"


def test_postgres_prepares_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_PREPARE", raising=False)
    options = database_from_url(URL, tmp_path)["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == PREPARE_THRESHOLD == 5


def test_prepare_can_be_turned_off_for_a_pooler(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_PREPARE", "false")
    options = database_from_url(URL, tmp_path)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options  # Django's default: never prepared


def test_bad_value_names_the_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_PREPARE", "sometimes")
    with pytest.raises(ConfigError, match="DATABASE_PREPARE"):
        database_from_url(URL, tmp_path)


def test_sqlite_is_untouched(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_PREPARE", raising=False)
    assert "server_side_binding" not in database_from_url(None, tmp_path)["OPTIONS"]


@pytest.mark.django_db
def test_a_query_run_often_is_prepared_on_the_server(user):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"mentorship_user"."display_name"%FROM "mentorship_user"%'],
            )
            return cursor.fetchone()[0]

    before = prepared()
    for _ in range(PREPARE_THRESHOLD + 1):  # the same query, new values each time
        assert User.objects.filter(pk=user.pk).exclude(pk=-1).get() == user
    assert prepared() == before + 1
