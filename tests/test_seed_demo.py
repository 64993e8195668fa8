import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def snapshot():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"mentorship", "pairs", "session_logs"}:
            counts[model._meta.label] = model.objects.count()
    return counts


def test_seed_demo_is_idempotent(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "admin@example.com" in out and "password:" in out
    first = snapshot()
    assert first["mentorship.Program"] == 1 and first["mentorship.Participant"] >= 2
    call_command("seed_demo", "--quiet")
    assert snapshot() == first
