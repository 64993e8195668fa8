"""Goals for both people: set, change, progress, privacy of private goals, linking actions."""

import datetime

import pytest
from django.urls import reverse

from sessions import goals as goal_service
from sessions.models import Goal, Milestone, NextAction
from tests.factories import make_action
from tests.sessions_helpers import NOW, each_persona, frozen  # noqa: F401

pytestmark = pytest.mark.django_db
TODAY = NOW.date()


def goal_of(world, who="mentee", shared=True, text=None, **extra):
    user = getattr(world, who).user
    return Goal.objects.create(
        pair=world.pair,
        owner=user,
        side="mentor" if who == "mentor" else "mentee",
        text=text or f"{who.upper()}-GOAL",
        target_on=TODAY + datetime.timedelta(days=60),
        shared=shared,
        **extra,
    )


def post_goal(client, world, **data):
    body = {
        "text": "Run a design critique",
        "why": "My team needs it",
        "target_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "milestones": "Watch one\nRun one with help\n",
        "shared": "on",
        **data,
    }
    return client.post(reverse("sessions:goal_new", args=[world.pair.pk]), body)


def test_each_person_sets_their_own_goal_with_milestones(client, world):
    client.force_login(world.mentor.user)  # the mentor's learning goal
    response = post_goal(client, world)
    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url == reverse("sessions:goal", args=[goal.pk])
    assert (goal.owner, goal.side, goal.shared) == (world.mentor.user, "mentor", True)
    assert list(goal.milestones.values_list("text", flat=True)) == [
        "Watch one",
        "Run one with help",
    ]
    assert goal.status == Goal.Status.NOT_STARTED


def test_a_target_date_in_the_past_gets_a_clear_message_and_keeps_the_text(client, world):
    client.force_login(world.mentee.user)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = post_goal(client, world, text="KEEP-THIS-TEXT", target_on=yesterday)
    html = response.content.decode()
    assert response.status_code == 400
    assert "The target date is in the past" in html
    assert "KEEP-THIS-TEXT" in html and "Run one with help" in html
    assert not Goal.objects.exists()
    far = (TODAY + datetime.timedelta(days=3 * 366)).isoformat()
    response = post_goal(client, world, target_on=far)
    assert response.status_code == 400 and "within two years" in response.content.decode()
    response = post_goal(client, world, target_on="0001-01-01")
    assert response.status_code == 400 and not Goal.objects.exists()


def test_an_empty_goal_is_refused_with_a_message(client, world):
    client.force_login(world.mentee.user)
    response = post_goal(client, world, text="   ")
    assert response.status_code == 400
    assert "Say what the goal is." in response.content.decode()


def test_the_pair_page_shows_both_goals_side_by_side_but_not_the_partners_private_one(
    client, world
):
    goal_of(world, "mentee", text="MENTEE-SHARED")
    goal_of(world, "mentee", shared=False, text="MENTEE-PRIVATE-GOAL")
    goal_of(world, "mentor", text="MENTOR-SHARED")
    url = reverse("sessions:pair", args=[world.pair.pk])
    client.force_login(world.mentor.user)
    html = client.get(url).content.decode()
    assert "MENTEE-SHARED" in html and "MENTOR-SHARED" in html
    assert "MENTEE-PRIVATE-GOAL" not in html
    assert html.index('data-side="mentor"') < html.index('data-side="mentee"')
    client.force_login(world.mentee.user)
    html = client.get(url).content.decode()
    assert "MENTEE-PRIVATE-GOAL" in html and "private" in html
    # The program admin sees counts only.
    client.force_login(world.admin)
    html = client.get(url).content.decode()
    assert "3 goals" in html
    assert "MENTEE-SHARED" not in html and "MENTEE-PRIVATE-GOAL" not in html


def test_who_may_read_a_private_goal(client, world):
    goal = goal_of(world, "mentee", shared=False)
    expected = {
        "anonymous": 302,
        "mentor": 404,  # the partner: a private goal does not exist for them
        "mentee": 200,
        "other_participant": 404,
        "program_admin": 403,
        "other_program_admin": 404,
        "stranger": 404,
        "superuser": 403,
    }
    got = {}
    for name, _user in each_persona(client, world):
        got[name] = client.get(reverse("sessions:goal", args=[goal.pk])).status_code
    assert got == expected


def test_only_the_owner_changes_a_goal_and_milestones_keep_their_state(client, world):
    goal = goal_of(world, "mentee")
    first = Milestone.objects.create(goal=goal, text="First", position=0, done=True)
    Milestone.objects.create(goal=goal, text="Dropped one", position=1)
    edit = reverse("sessions:goal_edit", args=[goal.pk])
    body = {"text": "Changed", "target_on": goal.target_on.isoformat(), "milestones": "New\nFirst"}
    client.force_login(world.mentor.user)
    assert client.post(edit, body).status_code == 403
    client.force_login(world.mentee.user)
    assert client.post(edit, body).status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Changed" and goal.shared is False  # unticked box: now private
    assert list(goal.milestones.values_list("text", "done")) == [("New", False), ("First", True)]
    assert goal.milestones.get(text="First").pk == first.pk


def test_an_existing_goal_keeps_a_target_date_that_has_passed(client, world):
    goal = goal_of(world, "mentee")
    Goal.objects.filter(pk=goal.pk).update(target_on=TODAY - datetime.timedelta(days=5))
    goal.refresh_from_db()
    client.force_login(world.mentee.user)
    body = {"text": "Still mine", "target_on": goal.target_on.isoformat(), "shared": "on"}
    assert client.post(reverse("sessions:goal_edit", args=[goal.pk]), body).status_code == 302
    goal.refresh_from_db()
    assert goal.text == "Still mine"


def test_progress_milestones_done_linked_actions_done_and_the_owners_word(client, world):
    goal = goal_of(world, "mentee")
    m1 = Milestone.objects.create(goal=goal, text="One", position=0)
    Milestone.objects.create(goal=goal, text="Two", position=1)
    make_action(world.pair, text="LINKED-DONE", goal=goal, status="done")
    make_action(world.pair, text="LINKED-OPEN", goal=goal)
    make_action(world.pair, text="LINKED-DROPPED", goal=goal, status="dropped")
    client.force_login(world.mentee.user)
    url = reverse("sessions:goal_progress", args=[goal.pk])
    response = client.post(url, {"status": "moving", "done": [m1.pk]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "1/2 milestones" in html and "1/2 linked actions done" in html
    goal.refresh_from_db()
    assert goal.status == "moving"
    page = client.get(reverse("sessions:goal", args=[goal.pk])).content.decode()
    assert "LINKED-DONE" in page and "LINKED-OPEN" in page
    # Without JavaScript: a redirect back to the goal, "reached" recorded with its moment.
    response = client.post(url, {"status": "reached", "done": [m1.pk]})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "reached" and goal.reached_at is not None
    # The partner reads the shared goal but may not say how it is going.
    client.force_login(world.mentor.user)
    assert client.get(reverse("sessions:goal", args=[goal.pk])).status_code == 200
    assert client.post(url, {"status": "stuck"}).status_code == 403
    assert (
        "Save progress" not in client.get(reverse("sessions:goal", args=[goal.pk])).content.decode()
    )


def test_a_bad_status_is_refused_with_a_message(client, world):
    goal = goal_of(world, "mentee")
    client.force_login(world.mentee.user)
    url = reverse("sessions:goal_progress", args=[goal.pk])
    response = client.post(url, {"status": "done-ish"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 400 and "Choose where the goal stands." in response.content.decode()
    )


def test_a_next_action_is_linked_to_a_goal_on_the_log_form(client, world):
    mine = goal_of(world, "mentee", text="MY-GOAL")
    private_of_partner = goal_of(world, "mentor", shared=False, text="PARTNER-PRIVATE")
    client.force_login(world.mentee.user)
    url = reverse("sessions:log", args=[world.pair.pk])
    html = client.get(url).content.decode()
    assert "MY-GOAL" in html and "PARTNER-PRIVATE" not in html
    body = {
        "occurred_at": (NOW - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 45,
        "format": "video",
        "topics": "Goals",
        "new-0-text": "Towards my goal",
        "new-0-owner": "mentee",
        "new-0-due_on": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "new-0-goal": str(mine.pk),
    }
    assert client.post(url, body).status_code == 302
    assert NextAction.objects.get(text="Towards my goal").goal == mine
    # A goal the person cannot see is not a choice: the form refuses it, nothing saved.
    body["new-0-text"] = "Sneaky"
    body["new-0-goal"] = str(private_of_partner.pk)
    assert client.post(url, body).status_code == 400
    assert not NextAction.objects.filter(text="Sneaky").exists()


def test_goals_of_an_ended_pair_no_longer_change(world):
    goal = goal_of(world, "mentee")
    world.pair.status = "ended"
    world.pair.save()
    goal.pair.refresh_from_db()
    with pytest.raises(goal_service.GoalError):
        goal_service.set_progress(goal, world.mentee.user, status="moving")
