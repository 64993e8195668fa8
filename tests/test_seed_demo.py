import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def snapshot():
    counts = {}
    for model in apps.get_models():
        if model._meta.app_label in {"mentorship", "pairs", "session_logs", "checkins"}:
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


def test_the_demo_prints_its_address_and_a_person_in_both_roles(capsys, settings):
    from pairs.models import Pair
    from sessions.models import Session

    settings.SITE_URL = "http://127.0.0.1:8101"
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "Sign in at http://127.0.0.1:8101 as:" in out
    line = next(line for line in out.splitlines() if "mentor and mentee" in line)
    email = line.split()[3]
    assert Pair.objects.filter(mentor__user__email=email).exists()
    assert Pair.objects.filter(mentee__user__email=email).exists()
    # Each pair's sessions speak of its own skills, not all of the same SQL lesson.
    topics = set(Session.objects.filter(status="logged").values_list("topics", flat=True))
    assert len(topics) > 8


def test_the_demo_has_check_ins_in_each_state_a_pair_asking_for_help_and_an_idle_pair():
    from checkins.models import CheckIn, HelpRequest, PairTrack

    call_command("seed_demo", "--quiet")
    answered = CheckIn.objects.filter(answered_at__isnull=False)
    assert CheckIn.objects.filter(answered_at__isnull=True).exists()  # due
    assert answered.filter(shared=True).exists() and answered.filter(shared=False).exists()
    assert HelpRequest.objects.filter(resolved_at__isnull=True).count() == 1
    assert answered.filter(good_fit=False).count() == 1
    idle = PairTrack.objects.get(idle_warned_at__isnull=False)
    assert idle.pair.mentee.user.email == "quiet.mentee@example.com"
    counts = (CheckIn.objects.count(), HelpRequest.objects.count())
    call_command("seed_demo", "--quiet")
    assert (CheckIn.objects.count(), HelpRequest.objects.count()) == counts
