"""The admin review: run matching (progress polled), accept/reject (htmx), bulk, swap,
manual pairs with warnings, re-runs that keep accepted pairs, invalid accepts."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairs import pairing
from pairs.matching import reasons_line
from pairs.models import MatchRun, Pair, Suggestion
from tests.factories import make_pair, make_participant, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args):
    return reverse(f"pairs:{name}", args=args)


def run_now(client, world, django_capture_on_commit_callbacks, **data):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("run", "main"), data)
    assert response.status_code == 302
    return MatchRun.objects.filter(program=world.program).latest("pk")


@pytest.mark.parametrize(
    "persona,status",
    [
        ("program_admin", 200),
        ("superuser", 200),
        ("mentor", 403),
        ("other_program_admin", 404),
        ("stranger", 404),
    ],
)
def test_matching_page_per_persona(client, world, persona, status):
    client.force_login(world.personas()[persona])
    assert client.get(url("matching", "main")).status_code == status


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(url("matching", "main"))
    assert response.status_code == 302 and "login" in response.url


def test_run_suggests_pairs_with_reasons_and_keeps_accepted_ones(
    client, world, django_capture_on_commit_callbacks
):
    run = run_now(client, world, django_capture_on_commit_callbacks)
    assert run.status == MatchRun.Status.DONE and run.progress == 100
    suggestions = list(run.suggestions.select_related("mentor__user", "mentee__user"))
    # Maya has one free slot; Olga wants Hiring, which Maya teaches. Theo is already paired.
    assert [(s.mentor, s.mentee) for s in suggestions] == [(world.mentor, world.other)]
    assert "Maya Mentor can teach Olga Other: Hiring" in reasons_line(suggestions[0].reasons)
    assert run.summary["certified_optimal"] is True
    page = client.get(url("matching", "main")).content.decode()
    assert "Maya Mentor can teach Olga Other: Hiring" in page
    assert "Why this score" in page and " / 100" in page  # a label, its breakdown one click away
    assert f"{suggestions[0].score:.2f}" not in page  # never the raw score


def test_unmatched_people_come_with_a_reason(client, world, django_capture_on_commit_callbacks):
    make_participant(world.program, role="mentee", learns=["Cooking"])
    run = run_now(client, world, django_capture_on_commit_callbacks)
    reasons = {u["name"]: u["reason"] for u in run.summary["unmatched"]}
    assert any("minimum score" in r for r in reasons.values())


def test_progress_partial_polls_while_running_and_refreshes_when_done(client, world):
    client.force_login(world.admin)
    run = MatchRun.objects.create(
        program=world.program, status="running", progress=40, stage="Scoring pairs"
    )
    response = client.get(url("progress", "main", run.pk), **HTMX)
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="40"' in body
    assert "HX-Refresh" not in response.headers
    MatchRun.objects.filter(pk=run.pk).update(status="done", progress=100)
    response = client.get(url("progress", "main", run.pk), **HTMX)
    assert response.headers["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()
    other = MatchRun.objects.create(program=world.other_program)
    assert client.get(url("progress", "main", other.pk)).status_code == 404


def draft(world, mentor=None, mentee=None, score=0.9):
    run = MatchRun.objects.create(program=world.program, status="done")
    return Suggestion.objects.create(
        run=run,
        mentor=mentor or world.mentor,
        mentee=mentee or world.other,
        score=score,
        reasons=["because"],
        breakdown={"teach": 0.5},
    )


def test_accept_with_htmx_makes_an_active_pair_and_sends_intros(
    client, world, django_capture_on_commit_callbacks
):
    suggestion = draft(world)
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("decide", "main", suggestion.pk), {"action": "accept"}, **HTMX)
    assert response.status_code == 200
    assert "Accepted" in response.content.decode()
    assert "<html" not in response.content.decode()  # only the row
    pair = Pair.objects.get(mentor=world.mentor, mentee=world.other)
    assert pair.status == "active" and pair.started_on and pair.score == 0.9
    assert pair.reasons == ["because"]
    assert sorted(m.to[0] for m in mail.outbox) == ["mentor@example.com", "other@example.com"]


def test_accepting_when_capacity_filled_changes_nothing(client, world):
    make_pair(world.mentor, make_participant(world.program))  # Maya is now at 2 of 2
    suggestion = draft(world)
    client.force_login(world.admin)
    response = client.post(url("decide", "main", suggestion.pk), {"action": "accept"}, **HTMX)
    assert "Maya Mentor has no capacity left (2 of 2 pairs)." in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == "draft"
    assert not Pair.objects.filter(mentee=world.other).exists()


def test_accepting_a_withdrawn_person_is_refused(client, world):
    suggestion = draft(world)
    world.other.status = "withdrawn"
    world.other.save()
    client.force_login(world.admin)
    response = client.post(url("decide", "main", suggestion.pk), {"action": "accept"}, follow=True)
    assert "Olga Other is not an active participant (Withdrawn)." in response.content.decode()
    assert not Pair.objects.filter(mentee=world.other).exists()


def test_reject_and_rerun_does_not_suggest_it_again(
    client, world, django_capture_on_commit_callbacks
):
    run = run_now(client, world, django_capture_on_commit_callbacks)
    suggestion = run.suggestions.get()
    response = client.post(url("decide", "main", suggestion.pk), {"action": "reject"}, **HTMX)
    assert "Rejected" in response.content.decode()
    rerun = run_now(client, world, django_capture_on_commit_callbacks)
    assert rerun.suggestions.count() == 0


def test_rerun_fills_only_the_gaps(client, world, django_capture_on_commit_callbacks):
    first = run_now(client, world, django_capture_on_commit_callbacks)
    pairing.accept_suggestion(first.suggestions.get(), world.admin)
    newcomer = make_participant(world.program, role="mentee", learns=["SQL"])
    second_mentor = make_participant(world.program, role="mentor", teaches=["SQL"])
    rerun = run_now(client, world, django_capture_on_commit_callbacks)
    assert [(s.mentor, s.mentee) for s in rerun.suggestions.all()] == [(second_mentor, newcomer)]
    assert Pair.objects.filter(program=world.program, status="active").count() == 2


def test_bulk_accept_selected_and_all(client, world):
    extra = [make_participant(world.program, role="mentee", learns=["SQL"]) for _ in range(3)]
    mentor2 = make_participant(world.program, role="mentor", teaches=["SQL"], capacity=3)
    run = MatchRun.objects.create(program=world.program, status="done")
    rows = [
        Suggestion.objects.create(run=run, mentor=mentor2, mentee=m, score=1 - i / 10)
        for i, m in enumerate(extra)
    ]
    client.force_login(world.admin)
    response = client.post(url("bulk", "main"), {"action": "accept", "ids": [rows[0].pk]}, **HTMX)
    assert response.status_code == 200 and 'id="review-table"' in response.content.decode()
    assert Suggestion.objects.get(pk=rows[0].pk).status == "accepted"
    assert Suggestion.objects.get(pk=rows[1].pk).status == "draft"
    client.post(url("bulk", "main"), {"action": "accept_all"})
    assert set(run.suggestions.values_list("status", flat=True)) == {"accepted"}
    assert Pair.objects.filter(mentor=mentor2, status="active").count() == 3


def test_bulk_reject_selected_and_refuses_rows_no_longer_draft(client, world):
    run = MatchRun.objects.create(program=world.program, status="done")
    rows = [
        Suggestion.objects.create(run=run, mentor=world.mentor, mentee=m, score=1)
        for m in (world.other, make_participant(world.program), make_participant(world.program))
    ]
    client.force_login(world.admin)
    ids = [rows[0].pk, rows[1].pk]
    response = client.post(url("bulk", "main"), {"action": "reject", "ids": ids}, follow=True)
    assert "2 suggestions rejected." in response.content.decode()
    assert list(run.suggestions.order_by("pk").values_list("status", flat=True)) == [
        "rejected",
        "rejected",
        "draft",
    ]
    done, failed = pairing.bulk(list(run.suggestions.order_by("pk")), world.admin, accept=False)
    assert done == 1 and [(s.pk, error) for s, error in failed] == [
        (rows[0].pk, "Only a draft suggestion can be rejected."),
        (rows[1].pk, "Only a draft suggestion can be rejected."),
    ]
    assert Suggestion.objects.get(pk=rows[2].pk).status == "rejected"


def test_bulk_reports_rows_that_became_invalid(client, world):
    run = MatchRun.objects.create(program=world.program, status="done")
    ok = Suggestion.objects.create(run=run, mentor=world.mentor, mentee=world.other, score=1)
    newcomer = make_participant(world.program, role="mentee")
    full = Suggestion.objects.create(run=run, mentor=world.mentor, mentee=newcomer, score=0.5)
    client.force_login(world.admin)
    response = client.post(url("bulk", "main"), {"action": "accept_all"}, follow=True)
    body = response.content.decode()
    assert "1 suggestions accepted." in body and "no capacity left" in body
    assert Suggestion.objects.get(pk=ok.pk).status == "accepted"
    assert Suggestion.objects.get(pk=full.pk).status == "draft"


def test_swap_shows_the_new_score_before_saving(client, world):
    suggestion = draft(world, score=0.1)
    mentor2 = make_participant(world.program, role="mentor", teaches=["Hiring"], learns=["Go"])
    client.force_login(world.admin)
    preview = client.get(
        url("swap", "main", suggestion.pk), {"mentor": mentor2.pk, "preview": "1"}, **HTMX
    )
    body = preview.content.decode()
    assert " / 100" in body and "can teach Olga Other: Hiring" in body
    assert "(now weak match · 4 / 100)" in body  # the old score, as a label too
    suggestion.refresh_from_db()
    assert suggestion.mentor == world.mentor  # nothing saved yet
    response = client.post(url("swap", "main", suggestion.pk), {"mentor": mentor2.pk}, **HTMX)
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.mentor == mentor2 and suggestion.score > 0.1


def test_preview_counts_the_mentors_open_suggestions_in_the_run(world):
    suggestion = draft(world)  # Maya: one pair (Theo) and this draft, capacity 2
    _score, warnings = pairing.preview(world.mentor, world.other, suggestion.run)
    assert "Maya Mentor already has 2 suggested or current pairs (capacity 2)" in warnings
    Suggestion.objects.filter(pk=suggestion.pk).update(status="rejected")
    _score, warnings = pairing.preview(world.mentor, world.other, suggestion.run)
    assert not any("suggested or current" in w for w in warnings)


def test_manual_pair_warns_then_pairs_when_confirmed(client, world):
    boss = make_participant(
        world.program,
        make_user("boss@example.com", display_name="Bo Boss"),
        role="mentor",
        teaches=["Hiring"],
    )
    world.other.manager_email = "boss@example.com"
    world.other.save()
    client.force_login(world.admin)
    preview = client.get(
        url("manual", "main"), {"mentor": boss.pk, "mentee": world.other.pk}, **HTMX
    )
    assert "Bo Boss is Olga Other&#x27;s manager" in preview.content.decode()
    response = client.post(
        url("manual", "main"), {"mentor": boss.pk, "mentee": world.other.pk}, follow=True
    )
    assert "confirm to pair anyway" in response.content.decode()
    assert not Pair.objects.filter(mentor=boss).exists()
    client.post(
        url("manual", "main"), {"mentor": boss.pk, "mentee": world.other.pk, "confirm": "1"}
    )
    pair = Pair.objects.get(mentor=boss, mentee=world.other)
    assert pair.source == "manual" and pair.status == "active"
    # The same two people cannot be paired twice.
    response = client.post(
        url("manual", "main"),
        {"mentor": boss.pk, "mentee": world.other.pk, "confirm": "1"},
        follow=True,
    )
    assert "were already paired" in response.content.decode()


def test_exclusion_keeps_two_people_apart(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    client.post(
        url("exclusion_add", "main"),
        {"first": world.mentor.pk, "second": world.other.pk, "reason": "team lead"},
    )
    run = run_now(client, world, django_capture_on_commit_callbacks)
    assert run.suggestions.count() == 0


def review_queries(client, world, n):
    run = MatchRun.objects.create(program=world.program, status="done")
    Suggestion.objects.bulk_create(
        Suggestion(
            run=run,
            mentor=world.mentor,
            mentee=world.other,
            score=i / n,
            reasons=["a", "b"],
            breakdown={"teach": 0.1},
        )
        for i in range(n)
    )
    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("matching", "main"))
    assert response.status_code == 200
    return len(queries)


def test_review_page_queries_do_not_grow_with_suggestions(client, world):
    small = review_queries(client, world, 20)
    large = review_queries(client, world, 2000)
    assert small == large
    assert large <= 16


def test_the_review_counts_its_suggestions_without_their_people(client, world):
    """The paginator's count reads the run's suggestions alone: joined to two people and
    their users each (as the page's rows are read), it read all of a 2,000-row run."""
    review_queries(client, world, 3)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("matching", "main"))
    sql = [q["sql"] for q in queries]
    counts = [q for q in sql if "COUNT(" in q and "pairs_suggestion" in q]
    assert len(counts) == 1 and "INNER JOIN" not in counts[0], counts


def test_admin_changes_weights_and_the_next_run_uses_them(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    data = {
        "weight_teach": "2",
        "weight_learn": "0",
        "weight_goals": "0",
        "weight_availability": "0",
        "min_score": "0.1",
        "matching_objective": "coverage",
        "request_expiry_days": "5",
    }
    client.post(url("settings", "main"), data)
    world.program.refresh_from_db()
    assert world.program.weight_teach == 2 and world.program.matching_objective == "coverage"
    run = run_now(client, world, django_capture_on_commit_callbacks, objective="coverage")
    assert run.suggestions.get().score == pytest.approx(2.0)  # Hiring, all Olga wants
    response = client.post(url("settings", "main"), {**data, "weight_teach": "-1"}, follow=True)
    assert "Use a weight between 0 and 5." in response.content.decode()
    world.program.refresh_from_db()
    assert world.program.weight_teach == 2


def test_participants_cannot_change_settings(client, world):
    client.force_login(world.mentor.user)
    assert client.post(url("settings", "main"), {"weight_teach": "5"}).status_code == 403


# -- issue 14: both roles, drafts that stay true, who is in, true reasons, one score ---------


def test_people_in_both_roles_have_one_capacity_and_accept_all_takes_every_draft(
    client, world, django_capture_on_commit_callbacks
):
    both = [
        make_participant(world.program, role="both", teaches=["SQL"], learns=["SQL"], capacity=1)
        for _ in range(7)
    ]
    run = run_now(client, world, django_capture_on_commit_callbacks)
    drafts = list(run.suggestions.all())
    for person in both:
        mine = [s for s in drafts if person.pk in (s.mentor_id, s.mentee_id)]
        assert len(mine) <= 1, person  # one free slot: never two drafts
    assert len(drafts) >= 3
    response = client.post(url("bulk", "main"), {"action": "accept_all"}, follow=True)
    body = response.content.decode()
    assert f"{len(drafts)} suggestions accepted." in body and "skipped" not in body
    assert set(run.suggestions.values_list("status", flat=True)) == {"accepted"}


def test_a_draft_paired_meanwhile_says_why_and_cannot_be_accepted(
    client, world, django_capture_on_commit_callbacks
):
    run = run_now(client, world, django_capture_on_commit_callbacks)
    suggestion = run.suggestions.get()
    page = client.get(url("matching", "main")).content.decode()
    assert "Proven optimal" in page and "Cannot be accepted" not in page
    # Maya and Olga pair up through a request before the admin gets to the draft.
    make_pair(world.mentor, world.other)
    page = client.get(url("matching", "main")).content.decode()
    assert "Cannot be accepted: already paired with each other" in page
    assert "Proven optimal" not in page
    assert f'hx-post="{url("decide", "main", suggestion.pk)}"' in page  # reject stays
    assert 'value="accept" class="button-small">Accept<' not in page


def test_a_draft_whose_person_withdrew_or_filled_up_says_so(client, world):
    newcomer = make_participant(world.program, role="mentee", learns=["SQL"])
    suggestion = draft(world, mentee=newcomer)
    withdrawn = draft(world)
    world.other.status = "withdrawn"
    world.other.save()
    make_pair(world.mentor, make_participant(world.program))  # Maya is now at 2 of 2
    run = suggestion.run
    shown = [
        (s.pk, s.mentor_id, s.mentee_id, s.mentor.user.name, s.mentee.user.name)
        for s in Suggestion.objects.filter(pk__in=[suggestion.pk, withdrawn.pk])
    ]
    problems, together, count = pairing.draft_problems(run, shown)
    assert problems[suggestion.pk] == ["Maya Mentor has no capacity left"]
    assert not together and count == 1
    problems, _together, _count = pairing.draft_problems(withdrawn.run, shown)
    assert "Olga Other is no longer active" in problems[withdrawn.pk]


def test_bulk_accept_reports_what_it_skipped_and_why(client, world):
    run = MatchRun.objects.create(program=world.program, status="done")
    ok = Suggestion.objects.create(run=run, mentor=world.mentor, mentee=world.other, score=1)
    late = [make_participant(world.program, role="mentee") for _ in range(2)]
    for person in late:
        Suggestion.objects.create(run=run, mentor=world.mentor, mentee=person, score=0.5)
    client.force_login(world.admin)
    body = client.post(url("bulk", "main"), {"action": "accept_all"}, follow=True)
    body = body.content.decode()
    assert "1 suggestions accepted." in body
    assert "2 skipped, each below with its reason" in body
    assert body.count("Maya Mentor has no capacity left (2 of 2 pairs).") == 2
    assert Suggestion.objects.get(pk=ok.pk).status == "accepted"


def test_the_run_page_says_who_is_in_before_it_runs(
    client, world, django_capture_on_commit_callbacks
):
    for _ in range(2):
        make_participant(world.program, role="mentee", learns=["SQL"], status="invited")
    client.force_login(world.admin)
    page = client.get(url("matching", "main")).content.decode()
    assert "3 active people are matched; 2 invited people have not joined yet" in page
    assert reverse("programs:invites", args=["main"]) in page
    run = run_now(client, world, django_capture_on_commit_callbacks)
    causes = [u["cause"] for u in run.summary["unmatched"] if u["side"] == "mentee"]
    assert causes.count("not_joined") == 2
    assert run.summary["invited"] == 2


def test_unmatched_reasons_name_the_true_cause(client, world, django_capture_on_commit_callbacks):
    waiting = [make_participant(world.program, role="mentee", learns=["Hiring"]) for _ in range(2)]
    cooking = make_participant(world.program, role="mentee", learns=["Cooking"])
    boss = make_participant(world.program, role="mentor", teaches=["Cooking"], capacity=1)
    cooking.manager_email = boss.user.email
    cooking.save()
    run = run_now(client, world, django_capture_on_commit_callbacks)
    by_id = {u["id"]: u for u in run.summary["unmatched"] if u["side"] == "mentee"}
    # Maya (one free slot) takes one of the three who want Hiring: the other two wait.
    full = [by_id[p.pk] for p in [world.other, *waiting] if p.pk in by_id]
    assert len(full) == 2 and all(u["cause"] == "capacity" for u in full)
    assert all("full" in u["reason"] for u in full)
    # Cooking's only teacher is their manager: a constraint, not a full mentor.
    assert by_id[cooking.pk]["cause"] == "constraint"
    assert "full" not in by_id[cooking.pk]["reason"]


def test_one_shared_skill_pairs_everyone_it_can(client, world, django_capture_on_commit_callbacks):
    # Everyone picks one skill and fills in nothing else: all scores tie.
    for _ in range(12):
        make_participant(world.program, role="mentee", learns=["Public speaking"])
    for _ in range(6):
        make_participant(world.program, role="mentor", teaches=["Public speaking"], capacity=2)
    run = run_now(client, world, django_capture_on_commit_callbacks)
    assert run.summary["matched"] == 13  # the 12, and Olga with Maya
    assert run.summary["certified_optimal"]


def test_runs_and_manual_pairs_score_goals_the_same_way(
    client, world, django_capture_on_commit_callbacks
):
    world.mentor.goals = "Grow into leadership and public speaking"
    world.mentor.save()
    world.other.goals = "I want to grow my leadership and negotiation"
    world.other.save()
    make_participant(world.program, role="mentee", goals="negotiation", learns=["Cooking"])
    run = run_now(client, world, django_capture_on_commit_callbacks)
    suggestion = run.suggestions.get(mentee=world.other)
    score, _problems = pairing.score_pair(world.mentor, world.other)
    assert suggestion.score == pytest.approx(score.score, abs=1e-4)
    assert suggestion.breakdown["goals"] == score.breakdown["goals"]
    # "grow" is filler: only "leadership" is shared (1 of 3 and 1 of 2 keywords).
    assert score.breakdown["goals"] == pytest.approx(0.3 / 6**0.5, abs=1e-4)
    assert "shared goals: leadership" in reasons_line(score.reasons)


# -- issue 19: person pickers search, not a list of everyone -------------------------------


def test_the_page_lists_nobody_until_a_picker_searches(client, world):
    quiet = make_participant(
        world.program, make_user("quinn@example.com", display_name="Quinn Quiet"), role="mentor"
    )
    client.force_login(world.admin)
    page = client.get(url("matching", "main")).content.decode()
    assert 'id="mentor-q"' in page and 'form="pick-find"' in page
    assert "Quinn Quiet" not in page and f'value="{quiet.pk}"' not in page
    assert '<select id="manual-mentor"' not in page


def test_a_picker_finds_people_by_name_email_or_department_with_htmx(client, world):
    world.mentor.department = "Platform"
    world.mentor.save()
    client.force_login(world.admin)
    for q in ("maya", "MENTOR@example", "platf"):
        body = client.get(url("matching", "main"), {"pick": "mentor", "mentor_q": q}, **HTMX)
        body = body.content.decode()
        assert "<html" not in body and "1 person found." in body
        assert f'<input type="radio" name="mentor" value="{world.mentor.pk}">' in body
    body = client.get(url("matching", "main"), {"pick": "mentor", "mentor_q": "zzz"}, **HTMX)
    assert "Nobody found." in body.content.decode()


def test_a_picker_lists_only_who_may_take_that_place(client, world):
    client.force_login(world.admin)
    # Olga is a mentee of a classic program: never offered as a mentor; Maya never as mentee.
    mentor = client.get(url("matching", "main"), {"pick": "mentor", "mentor_q": "o"}, **HTMX)
    mentee = client.get(url("matching", "main"), {"pick": "mentee", "mentee_q": "o"}, **HTMX)
    assert f'value="{world.other.pk}"' not in mentor.content.decode()
    assert f'value="{world.mentor.pk}"' in mentor.content.decode()
    assert f'value="{world.other.pk}"' in mentee.content.decode()
    assert f'value="{world.mentor.pk}"' not in mentee.content.decode()
    world.other.status = "withdrawn"
    world.other.save()
    mentee = client.get(url("matching", "main"), {"pick": "mentee", "mentee_q": "olga"}, **HTMX)
    assert "Nobody found." in mentee.content.decode()
    # Other programs' people are never found.
    stranger = make_participant(world.other_program, make_user(display_name="Olga Elsewhere"))
    first = client.get(url("matching", "main"), {"pick": "first", "first_q": "olga"}, **HTMX)
    assert f'value="{stranger.pk}"' not in first.content.decode()


def test_a_picker_shows_a_few_and_says_there_are_more(client, world):
    for i in range(12):
        make_participant(world.program, make_user(display_name=f"Sam {i:02}"), role="mentor")
    client.force_login(world.admin)
    body = client.get(url("matching", "main"), {"pick": "mentor", "mentor_q": "sam"}, **HTMX)
    body = body.content.decode()
    assert body.count('type="radio"') == 10
    assert "The first 10 found: type more of the name to narrow it down." in body
    assert "Sam 00" in body and "Sam 11" not in body  # by name


def test_without_javascript_the_find_button_reloads_the_page_with_choices(client, world):
    client.force_login(world.admin)
    page = client.get(url("matching", "main"), {"mentor_q": "maya", "mentee_q": "olga"})
    body = page.content.decode()
    manual = body[body.index('id="manual-title"') : body.index('id="excl-title"')]
    assert f'<input type="radio" name="mentor" value="{world.mentor.pk}">' in manual
    assert f'<input type="radio" name="mentee" value="{world.other.pk}">' in manual
    assert 'value="maya"' in manual  # the search stays in its field
    # The radios post with the pair form: the pair is made from what was chosen.
    client.post(
        url("manual", "main"), {"mentor": world.mentor.pk, "mentee": world.other.pk}, follow=True
    )
    assert Pair.objects.filter(mentor=world.mentor, mentee=world.other).exists()


def test_review_page_queries_stay_flat_with_many_participants(client, world):
    client.force_login(world.admin)
    client.get(url("matching", "main"))
    with CaptureQueriesContext(connection) as small:
        client.get(url("matching", "main"))
    for _ in range(30):
        make_participant(world.program, role="mentor")
    with CaptureQueriesContext(connection) as large:
        client.get(url("matching", "main"), {"mentor_q": "x"})
    assert len(large) == len(small) + 1  # the one search
