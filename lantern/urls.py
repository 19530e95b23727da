from django.contrib.auth import views as auth_views
from django.urls import include, path

from lantern.core import views as core_views
from lantern.identity import urls as identity_urls
from lantern.identity import views as identity_views
from lantern.operations import views as operations_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", operations_views.healthz, name="healthz"),
    path("accounts/login/", identity_views.LoginView.as_view(), name="login"),
    *identity_urls.sso_urlpatterns,
    path("", include("lantern.identity.urls")),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("lantern.casework.urls")),
    path("", include("lantern.access.urls")),
    path("", include("lantern.workforce.urls")),
    path("", include("lantern.recording.urls")),
    path("", include("lantern.notes.urls")),
    path("", include("lantern.caseloads.urls")),
    path("", include("lantern.oversight.urls")),
    path("", include("lantern.supervision.urls")),
    path("", include("lantern.family.urls")),
    path("", include("lantern.chronology.urls")),
    path("", include("lantern.insight.urls")),
    path("", include("lantern.audits.urls")),
    path("", include("lantern.administration.urls")),
    path("returns/", include("lantern.returns.urls")),
    path("onboarding/", include("lantern.onboarding.views")),
]
