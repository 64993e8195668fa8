"""Programs, participants, invitations, CSV import/export, profiles (namespace "programs")."""

from django.urls import path

from mentorship import (
    views_import,
    views_invites,
    views_profiles,
    views_programs,
    views_sso,
    views_webhooks,
)

P = "programs/<slug:slug>/"

urlpatterns = [
    path("programs/", views_programs.program_list, name="list"),
    path("programs/new/", views_programs.program_create, name="create"),
    path(P, views_programs.program_detail, name="detail"),
    path(P + "edit/", views_programs.program_edit, name="edit"),
    path(P + "admins/add/", views_programs.admin_add, name="admin_add"),
    path(P + "admins/<int:user_id>/remove/", views_programs.admin_remove, name="admin_remove"),
    path(P + "participants/", views_programs.participants, name="participants"),
    path(P + "participants/export.csv", views_programs.participants_export, name="export"),
    path(P + "participants/<int:pk>/", views_profiles.person, name="person"),
    path(P + "skills/", views_programs.skill_list, name="skills"),
    path(P + "skills/merge/", views_programs.skill_merge, name="skill_merge"),
    path(P + "skills/<int:pk>/rename/", views_programs.skill_rename, name="skill_rename"),
    path(P + "import/", views_import.import_upload, name="import"),
    path(P + "import/template.csv", views_import.import_template, name="import_template"),
    path(P + "import/<int:batch_id>/", views_import.import_confirm, name="import_confirm"),
    path(P + "import/<int:batch_id>/cancel/", views_import.import_cancel, name="import_cancel"),
    path(P + "webhooks/", views_webhooks.endpoint_list, name="webhooks"),
    path(P + "webhooks/<int:pk>/", views_webhooks.endpoint_detail, name="webhook"),
    path(P + "webhooks/<int:pk>/resend/", views_webhooks.endpoint_resend, name="webhook_resend"),
    path(P + "webhooks/<int:pk>/delete/", views_webhooks.endpoint_delete, name="webhook_delete"),
    path(P + "invites/", views_invites.invite_list, name="invites"),
    path(P + "provisioning/", views_sso.program_tokens, name="provisioning"),
    path(
        P + "provisioning/<int:pk>/revoke/",
        views_sso.program_token_revoke,
        name="provisioning_revoke",
    ),
    path(P + "invites/imported/", views_invites.invite_imported, name="invite_imported"),
    path(P + "invites/<int:pk>/resend/", views_invites.invite_resend, name="invite_resend"),
    path(P + "invites/<int:pk>/revoke/", views_invites.invite_revoke, name="invite_revoke"),
    path(P + "profile/", views_profiles.profile, name="profile"),
    path(P + "profile/edit/", views_profiles.profile_edit, name="profile_edit"),
    path(P + "welcome/", views_profiles.onboarding, name="onboarding"),
    path("invites/<str:token>/", views_invites.accept_invite, name="accept_invite"),
    path(
        "admin-invites/<str:token>/",
        views_invites.accept_admin_invite,
        name="accept_admin_invite",
    ),
]
