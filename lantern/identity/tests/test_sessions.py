"""Sessions: see and end your others; deactivation ends them all; an absolute lifetime."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lantern.identity import sessions
from lantern.identity.models import UserSession
from lantern.workforce.models import Worker


def signed_in(worker, agent="Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    client.force_login(worker)
    # force_login signs in outside a request, so there is no browser to note; a real sign-in
    # notes it (test_sign_in checks that).
    UserSession.objects.filter(session_key=client.session.session_key).update(user_agent=agent)
    return client


def test_a_person_sees_their_sessions_and_ends_another(world):
    worker = world.users["sw_north"]
    laptop = signed_in(worker)
    phone = signed_in(worker, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")
    page = laptop.get(reverse("identity:sessions")).content.decode()
    assert "2 sessions" in page and "This session" in page
    assert "Safari on iPhone" in page and "Chrome on Windows" in page
    assert phone.session.session_key not in page  # a session's key (its cookie) is never shown
    other = UserSession.objects.get(session_key=phone.session.session_key)
    response = laptop.post(reverse("identity:sessions"), {"session": other.pk}, follow=True)
    assert "That session has been signed out" in response.content.decode()
    assert phone.get(reverse("casework:caseload")).status_code == 302  # sent to sign in
    assert laptop.get(reverse("casework:caseload")).status_code == 200


def test_sign_out_all_other_sessions(world):
    worker = world.users["sw_north"]
    clients = [signed_in(worker) for _ in range(3)]
    clients[0].post(reverse("identity:sessions"), {"all_others": "1"})
    assert clients[0].get(reverse("casework:caseload")).status_code == 200
    assert all(c.get(reverse("casework:caseload")).status_code == 302 for c in clients[1:])


def test_nobody_can_end_someone_elses_session(world):
    victim = signed_in(world.users["sw_south"])
    row = UserSession.objects.get(session_key=victim.session.session_key)
    attacker = signed_in(world.users["sw_north"])
    response = attacker.post(reverse("identity:sessions"), {"session": row.pk}, follow=True)
    assert "already ended" in response.content.decode()
    assert victim.get(reverse("casework:caseload")).status_code == 200
    for bad in ("", "x", "-1", "99999999999999999999999", "\x00"):
        assert attacker.post(reverse("identity:sessions"), {"session": bad}).status_code == 302


def test_deactivation_ends_every_session_at_once(world):
    worker = world.users["sw_north"]
    clients = [signed_in(worker) for _ in range(2)]
    keys = [c.session.session_key for c in clients]
    worker.is_active = False
    worker.save()  # as the staff screens deactivate
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert UserSession.objects.filter(session_key__in=keys, end_reason="Deactivated").count() == 2
    for client in clients:
        response = client.get(reverse("casework:caseload"))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_deactivated_person_is_refused_even_if_their_session_survived(world):
    """Deactivated behind the signal's back (a bulk update): the next request is still refused,
    whichever backend signed them in (single sign-on's does not check is_active itself)."""
    worker = world.users["sw_north"]
    client = Client()
    client.force_login(worker, backend="lantern.identity.oidc.CouncilOIDCBackend")
    assert client.get(reverse("casework:caseload")).status_code == 200
    Worker.objects.filter(pk=worker.pk).update(is_active=False)
    response = client.get(reverse("casework:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("casework:caseload")).status_code == 302


def test_a_session_ends_after_its_absolute_lifetime_however_active(world, settings):
    settings.SESSION_ABSOLUTE_HOURS = 8
    client = signed_in(world.users["sw_north"])
    session = client.session
    session[sessions.SIGNED_IN_AT] = (timezone.now() - timedelta(hours=7, minutes=59)).timestamp()
    session.save()
    assert client.get(reverse("casework:caseload")).status_code == 200
    session = client.session
    session[sessions.SIGNED_IN_AT] = (timezone.now() - timedelta(hours=8, minutes=1)).timestamp()
    session.save()
    response = client.get(reverse("casework:caseload"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("casework:caseload")).status_code == 302


def test_both_lifetimes_are_settings():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    assert 0 < settings.SESSION_ABSOLUTE_HOURS <= 24


def test_last_seen_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    client = signed_in(world.users["sw_north"])
    row = UserSession.objects.get(session_key=client.session.session_key)
    first_seen = row.last_seen_at
    client.get(reverse("identity:security"))
    row.refresh_from_db()
    assert row.last_seen_at == first_seen
    session = client.session
    session[sessions.SEEN_AT] -= 120
    session.save()
    client.get(reverse("identity:security"))
    row.refresh_from_db()
    assert row.last_seen_at > first_seen


def test_signing_out_ends_the_tracked_session(world):
    client = signed_in(world.users["sw_north"])
    key = client.session.session_key
    client.post(reverse("logout"))
    assert UserSession.objects.get(session_key=key).end_reason == "Signed out"
