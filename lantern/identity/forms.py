from django import forms
from django.contrib.auth.forms import AuthenticationForm

from lantern.identity import throttle

LOCKED_OUT = (
    "Too many failed attempts to sign in to this account. Wait {minutes} minutes and try again, "
    "or ask your council's Lantern administrator to unlock it."
)


def locked_message() -> str:
    from django.conf import settings

    return LOCKED_OUT.format(minutes=max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)))


class PasswordSignInForm(AuthenticationForm):
    """Username and password, judged one attempt at a time per username (lantern.identity.throttle)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            if len(username) > 150 or any(ord(ch) < 32 for ch in username):
                # No account has such a name: refuse without recording it (the log's columns
                # and PostgreSQL's text type could not hold it).
                raise self.get_invalid_login_error()
            self.user_cache = throttle.authenticate_in_turn(self.request, username=username, password=password)
            if self.user_cache is None:
                if getattr(self.request, "axes_locked_out", False):
                    raise forms.ValidationError(locked_message(), code="locked_out")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=40,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app, or a recovery code"},
    )


class ConfirmAppForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows for Lantern.",
        max_length=20,
        strip=True,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app")
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        help_text="Kept in the security log with your name.",
        max_length=500,
        strip=True,
        error_messages={"required": "Enter the reason"},
    )


class LogFilterForm(forms.Form):
    username = forms.CharField(label="Username", required=False, max_length=150)
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "All"), ("success", "Signed in"), ("failure", "Failed")],
    )

    def clean_username(self):
        return self.cleaned_data["username"].replace("\x00", "").strip()
