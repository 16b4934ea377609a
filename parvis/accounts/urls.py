from __future__ import annotations

from django.urls import path

from parvis.accounts import org_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("accounts/language/", views.language_set, name="language_set"),
    path("organisations/new/", org_views.organisation_create, name="organisation_create"),
    path("o/<slug:org>/switch/", org_views.organisation_switch, name="organisation_switch"),
    path("o/<slug:org>/settings/", org_views.organisation_settings, name="organisation_settings"),
    path("o/<slug:org>/members/", org_views.members, name="members"),
    path(
        "o/<slug:org>/members/<int:membership_id>/role/", org_views.member_role, name="member_role"
    ),
    path(
        "o/<slug:org>/members/<int:membership_id>/remove/",
        org_views.member_remove,
        name="member_remove",
    ),
    path(
        "o/<slug:org>/invitations/<int:invitation_id>/revoke/",
        org_views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:org>/api-keys/", org_views.api_keys, name="api_keys"),
    path(
        "o/<slug:org>/api-keys/<int:key_id>/revoke/",
        org_views.api_key_revoke,
        name="api_key_revoke",
    ),
    path("o/<slug:org>/audit/", org_views.audit_log, name="audit_log"),
]
