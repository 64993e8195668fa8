"""Django admin: every mentorship model is registered and its pages open."""

import pytest
from django.contrib import admin
from django.urls import reverse

from mentorship import importing
from mentorship.models import ImportBatch, Invite, Participant, Program, Skill, User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Program, Skill, Participant, Invite, ImportBatch, User])
def test_registered_and_pages_open(client, world, model, mailoutbox):
    from mentorship import invites

    invites.invite(world.program, "x@example.com", world.admin)
    importing.store(world.program, world.admin, importing.check(world.program, b"email\na@b.co\n"))
    assert admin.site.is_registered(model)
    client.force_login(world.superuser)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert client.get(change).status_code == 200
    # Program admins who are not staff do not get the Django admin.
    client.force_login(world.admin)
    assert client.get(changelist).status_code == 302
