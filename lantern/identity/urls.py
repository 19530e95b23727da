from django.contrib.auth.decorators import login_not_required
from django.urls import path

from lantern.identity import oidc, views

app_name = "identity"

urlpatterns = [
    path("accounts/verify/", views.verify, name="verify"),
    path("accounts/set-up-authenticator/", views.enrol, name="enrol"),
    path("account/security/", views.security, name="security"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/set-password/", views.set_password, name="set_password"),
    path("accounts/set-password/<str:token>/", views.set_password_start, name="set_password_start"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("account/sessions/", views.my_sessions, name="sessions"),
    path("security/sign-ins/", views.sign_in_log, name="sign_in_log"),
    path("security/changes/", views.security_changes, name="changes"),
    path("security/unlock/", views.unlock, name="unlock"),
    path("security/staff/", views.staff_list, name="staff_list"),
    path("security/staff/<int:worker_id>/", views.staff_security, name="staff_security"),
]

# Single sign-on: mozilla-django-oidc's names, which its views reverse.
sso_urlpatterns = [
    path("accounts/sso/start/", login_not_required(oidc.StartView.as_view()), name="oidc_authentication_init"),
    path(
        "accounts/sso/callback/", login_not_required(oidc.CallbackView.as_view()), name="oidc_authentication_callback"
    ),
]
