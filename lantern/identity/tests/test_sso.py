"""Single sign-on end to end against a real OpenID Connect provider (npm's oidc-provider, run
by node on a loopback port): the person signs in at the provider, comes back with a code, and
Lantern exchanges it, checks the signed ID token and matches the stable claim to a staff record."""

import base64
import json
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from django.urls import reverse

from lantern.identity.models import ExternalIdentity, SecurityEvent, SecurityEventKind, UserSession
from tests import oidc

CALLBACK = "http://testserver/accounts/sso/callback/"


@pytest.fixture(scope="module")
def provider():
    running = oidc.start([CALLBACK])
    yield running
    running.stop()


@pytest.fixture
def sso(provider, settings):
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    settings.LANTERN_SSO_SUBJECT_CLAIM = "sub"
    settings.LANTERN_SSO_LINK_BY_EMAIL = False
    return provider


def link(worker, provider, subject):
    return ExternalIdentity.objects.create(worker=worker, issuer=provider.issuer, subject=subject, linked_by="email")


def sso_sign_in(client: Client, login: str, *, next_url: str = ""):
    start = client.get(reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    back = oidc.sign_in_at_provider(start.url, login, stop_at=CALLBACK)
    parts = urlsplit(back)
    return client.get(f"{parts.path}?{parts.query}")


def test_a_linked_worker_signs_in_and_lands_on_their_caseload(client, world, sso):
    link(world.users["sw_north"], sso, "entra-user-1")
    response = sso_sign_in(client, "entra-user-1")
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("casework:caseload")
    assert client.session["_auth_user_id"] == str(world.users["sw_north"].pk)
    assert UserSession.objects.get(worker=world.users["sw_north"]).method == "sso"
    # No second factor asked of a single sign-on (the identity provider's own applies).
    assert client.get(reverse("casework:caseload")).status_code == 200


def test_an_unknown_person_is_refused_with_a_clear_page(client, world, sso):
    response = sso_sign_in(client, "stranger")
    assert response.status_code == 403
    assert "Your account is not set up in Lantern" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SSO_REFUSED)
    assert "stranger@council.example" in event.detail


def test_a_deactivated_person_is_refused(client, world, sso):
    worker = world.users["sw_south"]
    link(worker, sso, "leaver")
    worker.is_active = False
    worker.save()
    response = sso_sign_in(client, "leaver")
    assert response.status_code == 403
    assert "Your Lantern account has been closed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_email_is_only_a_first_link_rule_and_only_when_switched_on(client, world, sso, settings):
    worker = world.users["tm_north"]
    worker.email = "new.manager@council.example"
    worker.save()
    assert sso_sign_in(Client(), "new.manager").status_code == 403  # off by default
    settings.LANTERN_SSO_LINK_BY_EMAIL = True
    assert sso_sign_in(client, "new.manager").status_code == 302
    assert ExternalIdentity.objects.get(worker=worker).subject == "new.manager"
    # From then on the stable claim counts, not the email: a changed address still signs in...
    worker.email = "renamed@council.example"
    worker.save()
    assert sso_sign_in(Client(), "new.manager").status_code == 302
    # ...and another account claiming the old address is not linked to the same worker.
    other = world.users["sw_north_2"]
    other.email = "someone@council.example"
    other.save()
    link(other, sso, "someone-else")
    assert sso_sign_in(Client(), "renamed").status_code == 403


def test_entra_id_object_id_claim(client, world, sso, settings):
    settings.LANTERN_SSO_SUBJECT_CLAIM = "oid"
    link(world.users["qa"], sso, "oid-auditor")  # the provider sends oid = "oid-" + login
    assert sso_sign_in(client, "auditor").status_code == 302
    assert client.session["_auth_user_id"] == str(world.users["qa"].pk)


class _Tamper:
    """Wraps the real token request: the provider's real answer, with the ID token altered."""

    def __init__(self, monkeypatch, change):
        self.real = requests.post
        self.change = change
        monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", self)

    def __call__(self, url, *args, **kwargs):
        response = self.real(url, *args, **kwargs)
        body = response.json()
        body["id_token"] = self.change(body["id_token"])
        response._content = json.dumps(body).encode()
        return response


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _claims(token: str) -> tuple[dict, dict]:
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def test_a_tampered_id_token_is_refused(client, world, sso, monkeypatch):
    """Someone changes the subject in a genuine token (to the manager's) and keeps the signature."""
    link(world.users["sw_south"], sso, "attacker")
    link(world.users["tm_north"], sso, "manager")

    def swap_subject(token):
        head, body, signature = token.split(".")
        _header, claims = _claims(token)
        return ".".join([head, _b64({**claims, "sub": "manager"}), signature])

    _Tamper(monkeypatch, swap_subject)
    response = sso_sign_in(client, "attacker")
    assert response.status_code == 403
    assert "Sign-in could not be checked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_token_signed_with_another_key_is_refused(client, world, sso, monkeypatch):
    link(world.users["tm_north"], sso, "manager")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def resign(token):
        header, claims = _claims(token)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": header["kid"]})

    _Tamper(monkeypatch, resign)
    response = sso_sign_in(client, "manager")
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_an_unsigned_token_is_refused(client, world, sso, monkeypatch):
    link(world.users["tm_north"], sso, "manager")

    def unsign(token):
        _header, claims = _claims(token)
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."

    _Tamper(monkeypatch, unsign)
    assert sso_sign_in(client, "manager").status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_token_from_another_issuer_or_for_another_client_is_refused(client, world, sso, settings):
    link(world.users["tm_north"], sso, "manager")
    settings.OIDC_OP_ISSUER = "https://login.example/another-tenant"
    ExternalIdentity.objects.update(issuer=settings.OIDC_OP_ISSUER)
    assert sso_sign_in(Client(), "manager").status_code == 403


def test_a_forged_callback_without_a_started_sign_in_is_refused(client, world, sso):
    response = client.get(reverse("oidc_authentication_callback") + "?code=abc&state=forged")
    assert response.status_code == 403 and "_auth_user_id" not in client.session


def test_password_sign_in_can_be_switched_off(client, world, sso, settings):
    settings.LANTERN_PASSWORD_SIGN_IN = False
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' not in page
    response = client.post(reverse("login"), {"username": "sw.north", "password": "a-long-test-password-1"})
    assert response.status_code == 405 and "_auth_user_id" not in client.session


def test_without_sso_configured_there_is_no_sso(client, world, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "council account" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback") + "?code=x&state=y").status_code == 404


def test_an_administrator_links_a_council_account_by_its_id(client, world, sso):
    admin = world.users["leader"]
    admin.role = "council_admin"
    admin.save()
    manage = Client()
    manage.force_login(admin)
    worker = world.users["sw_south"]
    url = reverse("identity:staff_security", args=[worker.pk])
    page = manage.get(url).content.decode()
    assert "Council account ID" in page
    refused = manage.post(url, {"action": "link", "reason": "New starter", "subject": ""})
    assert "Enter the person&#x27;s account ID" in refused.content.decode()
    manage.post(url, {"action": "link", "reason": "New starter", "subject": "sol-entra"})
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SSO_LINKED)
    assert (event.actor, event.worker, event.detail) == (admin, worker, "sol-entra")
    assert sso_sign_in(client, "sol-entra").status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)
    # One account, one person.
    again = manage.post(
        reverse("identity:staff_security", args=[world.users["sw_north"].pk]),
        {"action": "link", "reason": "x", "subject": "sol-entra"},
    )
    assert "already linked to a member of staff" in again.content.decode()
    # Removing the link stops the sign-in.
    link = ExternalIdentity.objects.get(worker=worker)
    manage.post(url, {"action": "unlink", "reason": "Wrong person", "link": link.pk})
    assert sso_sign_in(Client(), "sol-entra").status_code == 403
