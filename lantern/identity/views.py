"""Sign-in (password, second factor, single sign-on), your security and sessions, and the
administrators' and leaders' security pages."""

import time

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lantern.core.ids import parse_id
from lantern.core.paging import paginate
from lantern.identity import mfa, passwords, policy, sessions, throttle
from lantern.identity.forms import (
    CodeForm,
    ConfirmAppForm,
    LogFilterForm,
    PasswordSignInForm,
    ReasonForm,
    locked_message,
)
from lantern.identity.models import ExternalIdentity, SecurityEvent, SecurityEventKind, SignInMethod

PENDING = "lantern_pending_sign_in"
PENDING_SECONDS = 10 * 60
NEW_CODES = "lantern_new_recovery_codes"


def _sign_in_context():
    return {
        "sso_enabled": policy.sso_enabled(),
        "sso_name": settings.LANTERN_SSO_NAME,
        "password_enabled": settings.LANTERN_PASSWORD_SIGN_IN,
        "session_idle_minutes": settings.SESSION_IDLE_MINUTES,
        "session_absolute_hours": f"{settings.SESSION_ABSOLUTE_HOURS:g}",
    }


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Step one: username and password (or the single sign-on button)."""

    form_class = PasswordSignInForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_sign_in_context()}

    def post(self, request, *args, **kwargs):
        if not settings.LANTERN_PASSWORD_SIGN_IN:
            return HttpResponseNotAllowed(["GET"], "Password sign-in is switched off: use single sign-on.")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        redirect_to = self.get_success_url()
        if not policy.mfa_required(user):
            self.request.session[sessions.METHOD] = SignInMethod.PASSWORD_DEMO
            login(self.request, user)
            return redirect(redirect_to)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": redirect_to,
        }
        if mfa.has_authenticator(user):
            return redirect("identity:verify")
        return redirect("identity:enrol")


def locked_out(request, response=None, credentials=None):
    """axes' lock-out response: the page already says why; say it to machines too (429)."""
    if response is not None and response.status_code == 200:
        response.status_code = 429
        return response
    return render(request, "identity/locked.html", {"message": locked_message()}, status=429)


def _pending_user(request):
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    return user, pending


def _finish(request, user, pending, device=None):
    request.session.pop(PENDING, None)
    request.session[sessions.METHOD] = SignInMethod.PASSWORD
    if device is not None:
        user.otp_device = device  # django-otp records the verified device in the session
    login(request, user, backend=pending["backend"])
    return pending.get("next") or reverse("home")


def _start_again(request):
    messages.info(request, "Sign in again: your sign-in was not finished within 10 minutes.")
    return redirect("login")


@login_not_required
@never_cache
def verify(request):
    """Step two: a code from the authenticator app, or a recovery code."""
    user, pending = _pending_user(request)
    if user is None:
        return _start_again(request)
    if not mfa.has_authenticator(user):
        return redirect("identity:enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle.is_locked(request, user.get_username()):
            form.add_error(None, locked_message())
            status = 429
        elif mfa.throttled(user):
            form.add_error("code", "Wait a few seconds, then enter the newest code your app shows")
        else:
            device = mfa.verify(user, form.cleaned_data["code"])
            if device is not None:
                next_url = _finish(request, user, pending, device)
                if device.name == mfa.RECOVERY_DEVICE:
                    left = mfa.recovery_codes_left(user)
                    messages.warning(
                        request,
                        f"You used a recovery code. You have {left} left: make new ones from "
                        "‘Your sign-in security’ if you are running out.",
                    )
                return redirect(next_url)
            throttle.record_second_factor_failure(request, user.get_username())
            form.add_error("code", "The code is not right. Enter the newest code your app shows, or a recovery code")
    return render(request, "identity/verify.html", {"form": form}, status=status)


@login_not_required
@never_cache
def enrol(request):
    """First password sign-in: set up an authenticator app."""
    user, pending = _pending_user(request)
    if user is None:
        return _start_again(request)
    if mfa.has_authenticator(user):
        return redirect("identity:verify")
    device = mfa.pending_authenticator(user)
    form = ConfirmAppForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle.is_locked(request, user.get_username()):
            form.add_error(None, locked_message())
            status = 429
        else:
            codes = mfa.authenticator_confirm(user=user, device=device, code=form.cleaned_data["code"])
            if codes is not None:
                next_url = _finish(request, user, pending, device)
                request.session[NEW_CODES] = {"codes": codes, "next": next_url}
                return redirect("identity:recovery_codes")
            throttle.record_second_factor_failure(request, user.get_username())
            form.add_error(
                "code", "The code is not right. Check the app's clock is set automatically, and enter the newest code"
            )
    context = {"form": form, "qr_svg": mfa.qr_svg(device), "secret": mfa.secret_text(device), "user_name": user}
    return render(request, "identity/enrol.html", context, status=status)


@never_cache
def recovery_codes(request):
    """New recovery codes, shown once."""
    new = request.session.pop(NEW_CODES, None)
    if not new:
        return redirect("identity:security")
    return render(request, "identity/recovery_codes.html", {"codes": new["codes"], "next": new.get("next") or "/"})


def security(request):
    """Your sign-in security: second factor, recovery codes, sessions."""
    user = request.user
    if request.method == "POST":
        if request.session.get(sessions.METHOD) == SignInMethod.SSO or not mfa.has_authenticator(user):
            raise PermissionDenied("Recovery codes go with an authenticator app; you have none set up.")
        codes = mfa.recovery_codes_replace(user=user)
        request.session[NEW_CODES] = {"codes": codes, "next": reverse("identity:security")}
        return redirect("identity:recovery_codes")
    context = {
        "has_app": mfa.has_authenticator(user),
        "codes_left": mfa.recovery_codes_left(user),
        "links": ExternalIdentity.objects.filter(worker=user),
        "method": request.session.get(sessions.METHOD),
        "mfa_required": policy.mfa_required(user),
    }
    return render(request, "identity/security.html", context)


def my_sessions(request):
    user = request.user
    current = request.session.session_key
    if request.method == "POST":
        if request.POST.get("all_others"):
            others = sessions.open_sessions(user).exclude(session_key=current)
            for key in list(others.values_list("session_key", flat=True)):
                sessions.session_end(user=user, session_key=key)
            messages.success(request, "Your other sessions have been signed out.")
        else:
            row = sessions.open_sessions(user).filter(pk=parse_id(request.POST.get("session"))).first()
            if row is None or row.session_key == current:
                messages.info(request, "That session has already ended.")
            else:
                sessions.session_end(user=user, session_key=row.session_key)
                messages.success(request, "That session has been signed out.")
        return redirect("identity:sessions")
    rows = list(sessions.open_sessions(user))
    return render(request, "identity/sessions.html", {"rows": rows, "current": current})


def _need(check, user, what: str):
    if not check(user):
        raise PermissionDenied(f"Only {what} can see this page.")


def _locked_usernames():
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )


def sign_in_log(request):
    """Every sign-in and every failed attempt (django-axes' logs), newest first."""
    _need(policy.can_read_sign_in_log, request.user, "administrators, senior leaders and auditors")
    form = LogFilterForm(request.GET or None)
    username = outcome = ""
    if form.is_valid():
        username, outcome = form.cleaned_data["username"], form.cleaned_data["outcome"]
    fields = ("attempt_time", "username", "address", "user_agent", "outcome")
    address = Cast("ip_address", CharField())
    successes = AccessLog.objects.annotate(address=address, outcome=Value("success", CharField())).values_list(*fields)
    failures = AccessFailureLog.objects.annotate(
        address=address,
        outcome=Case(When(locked_out=True, then=Value("locked")), default=Value("failure"), output_field=CharField()),
    ).values_list(*fields)
    if username:
        successes = successes.filter(username=username)
        failures = failures.filter(username=username)
    if outcome == "success":
        rows = successes.order_by("-attempt_time")
    elif outcome == "failure":
        rows = failures.order_by("-attempt_time")
    else:
        rows = successes.union(failures, all=True).order_by("-attempt_time")
    page, query = paginate(request, rows)
    entries = [
        {
            "at": at,
            "username": name,
            "address": address,
            "user_agent": agent,
            "outcome": {"success": "Signed in", "locked": "Failed: account now locked"}.get(flag, "Failed"),
            "failed": flag != "success",
        }
        for at, name, address, agent, flag in page.object_list
    ]
    return render(
        request,
        "identity/sign_in_log.html",
        {
            "form": form,
            "entries": entries,
            "page_obj": page,
            "query_string": query,
            "locked": list(_locked_usernames()[:50]),
            "can_unlock": policy.can_administer_identity(request.user),
        },
    )


def security_changes(request):
    _need(policy.can_read_sign_in_log, request.user, "administrators, senior leaders and auditors")
    page, query = paginate(request, SecurityEvent.objects.select_related("actor", "worker"))
    return render(request, "identity/changes.html", {"page_obj": page, "query_string": query})


@require_POST
def unlock(request):
    _need(policy.can_administer_identity, request.user, "administrators")
    username = (request.POST.get("username") or "").strip()[:150]
    form = ReasonForm(request.POST)
    if not username or not form.is_valid():
        messages.error(request, "Enter the reason for unlocking, then select Unlock again.")
        return redirect(_back(request, username))
    throttle.reset(username)
    worker = get_user_model().objects.filter(username=username).first()
    SecurityEvent.objects.create(
        kind=SecurityEventKind.UNLOCKED,
        actor=request.user,
        worker=worker,
        reason=form.cleaned_data["reason"],
        detail=username,
    )
    messages.success(request, f"{username} can sign in again.")
    return redirect(_back(request, username))


def _back(request, username: str) -> str:
    worker = get_user_model().objects.filter(username=username).first()
    if request.POST.get("back") == "staff" and worker is not None:
        return reverse("identity:staff_security", args=[worker.pk])
    return reverse("identity:sign_in_log")


def staff_list(request):
    _need(policy.can_administer_identity, request.user, "administrators")
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    workers = get_user_model().objects.order_by("last_name", "first_name", "username")
    if q:
        workers = workers.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    page, query = paginate(request, workers)
    return render(request, "identity/staff_list.html", {"page_obj": page, "query_string": query, "q": q})


def staff_security(request, worker_id: int):
    """One person's sign-in security, for an administrator: reset the second factor, unlock,
    end every session, remove a single sign-on link. Every action needs a reason and is logged."""
    _need(policy.can_administer_identity, request.user, "administrators")
    worker = get_object_or_404(get_user_model(), pk=worker_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("reset_mfa", "end_sessions", "unlink", "link"):
            raise PermissionDenied("Unknown action.")
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            if action == "reset_mfa":
                mfa.second_factor_reset(actor=request.user, worker=worker, reason=reason)
                messages.success(
                    request, f"{worker.display_name} will set up a new authenticator app at their next sign-in."
                )
            elif action == "end_sessions":
                count = sessions.sessions_end_all(worker=worker, actor=request.user, reason=reason)
                messages.success(request, f"{count} session(s) of {worker.display_name} ended.")
            elif action == "link":
                subject = (request.POST.get("subject") or "").strip()
                problem = _link_problem(worker, subject)
                if problem:
                    form.add_error(None, problem)
                    return render(request, "identity/staff_security.html", _staff_context(worker, form), status=200)
                try:
                    with transaction.atomic():
                        ExternalIdentity.objects.create(
                            worker=worker, issuer=settings.OIDC_OP_ISSUER, subject=subject, linked_by="admin"
                        )
                except IntegrityError:  # linked by someone else a moment ago
                    form.add_error(None, "That council account is already linked to a member of staff")
                    return render(request, "identity/staff_security.html", _staff_context(worker, form))
                SecurityEvent.objects.create(
                    kind=SecurityEventKind.SSO_LINKED,
                    actor=request.user,
                    worker=worker,
                    reason=reason,
                    detail=subject[:500],
                )
                messages.success(request, f"{worker.display_name} can now sign in with their council account.")
            else:
                link = get_object_or_404(ExternalIdentity, pk=parse_id(request.POST.get("link")), worker=worker)
                SecurityEvent.objects.create(
                    kind=SecurityEventKind.SSO_UNLINKED,
                    actor=request.user,
                    worker=worker,
                    reason=reason,
                    detail=f"{link.issuer} {link.subject}"[:500],
                )
                link.delete()
                messages.success(request, "The council account is no longer linked.")
            return redirect("identity:staff_security", worker_id=worker.pk)
    return render(request, "identity/staff_security.html", _staff_context(worker, form))


def _link_problem(worker, subject: str) -> str:
    if not policy.sso_enabled():
        return "Single sign-on is not set up for this council"
    if not subject or len(subject) > 255 or any(ord(ch) < 32 for ch in subject):
        return "Enter the person's account ID from your identity provider"
    if ExternalIdentity.objects.filter(issuer=settings.OIDC_OP_ISSUER, subject=subject).exists():
        return "That council account is already linked to a member of staff"
    if ExternalIdentity.objects.filter(issuer=settings.OIDC_OP_ISSUER, worker=worker).exists():
        return "This person already has a council account linked: remove it first"
    return ""


def _staff_context(worker, form) -> dict:
    locked = _locked_usernames().filter(username=worker.username).exists()
    return {
        "worker": worker,
        "form": form,
        "has_app": mfa.has_authenticator(worker),
        "codes_left": mfa.recovery_codes_left(worker),
        "exempt": not policy.mfa_required(worker),
        "links": ExternalIdentity.objects.filter(worker=worker),
        "open_sessions": sessions.open_sessions(worker).count(),
        "locked": locked,
        "events": SecurityEvent.objects.filter(worker=worker).select_related("actor")[:20],
        "sso_enabled": policy.sso_enabled(),
        "subject_claim": settings.LANTERN_SSO_SUBJECT_CLAIM,
    }


# ---------------------------------------------------------------------------------------------
# Passwords: a one-time set-password link from an administrator, and changing your own
# ---------------------------------------------------------------------------------------------

LINK_KEY = "lantern_set_password_link"


@login_not_required
@never_cache
def set_password_start(request, token: str):
    """The link itself: keep its token in the session and move to an address without it, so
    the token leaves no trace in logs, history or a Referer header."""
    request.session[LINK_KEY] = token[:100]
    return redirect("identity:set_password")


@login_not_required
@never_cache
def set_password(request):
    token = request.session.get(LINK_KEY, "")
    link = passwords.password_link_find(token)
    if link is None:
        request.session.pop(LINK_KEY, None)
        return render(request, "identity/set_password_expired.html", status=410)
    form = SetPasswordForm(link.worker, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            worker = passwords.password_link_use(token=token, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error("new_password1", error)
        else:
            request.session.pop(LINK_KEY, None)
            messages.success(
                request, f"Your password is set, {worker.first_name or worker.username}. Sign in with it now."
            )
            return redirect("login")
    return render(request, "identity/set_password.html", {"form": form, "worker": link.worker})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change your own password (you need the current one). Your other sessions end."""

    template_name = "identity/password_change.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_usable_password():
            return render(request, "identity/password_none.html")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        return reverse("identity:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        passwords.password_changed(worker=self.request.user)
        current = self.request.session.session_key
        for key in list(
            sessions.open_sessions(self.request.user).exclude(session_key=current).values_list("session_key", flat=True)
        ):
            sessions.session_end(user=self.request.user, session_key=key)
        messages.success(self.request, "Your password has been changed. Your other sessions have been signed out.")
        return response
