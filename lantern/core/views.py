"""Sign-in, sign-out and the landing page."""

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect
from django.urls import reverse

from lantern.core import throttle
from lantern.workforce.models import AUTHORITY_WIDE_ROLES, CASE_HOLDING_ROLES, Role


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "locked_out": "Too many failed attempts to sign in. Wait 15 minutes and try again.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        if throttle.is_locked_out(username, address):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(username, address)
            raise
        throttle.clear_failures(username, address)
        return cleaned


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True


def home(request):
    """Land each person where their work is."""
    user = request.user
    if user.role == Role.TEAM_MANAGER and user.team_id:
        return redirect("workforce:team", team_id=user.team_id)
    if user.role in CASE_HOLDING_ROLES:
        return redirect("casework:caseload")
    if user.role == Role.SERVICE_MANAGER or user.role in AUTHORITY_WIDE_ROLES:
        return redirect("workforce:teams")
    return redirect(reverse("casework:search"))
