"""Password sign-in with a second factor (django-otp): enrolment, codes, recovery codes, the
demo exemption, and what the half-signed-in state may reach."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.identity.models import MfaExemption, SecurityEvent, SecurityEventKind, UserSession
from lantern.identity.tests.helpers import codes_from_page, enrol, password_step, secret_from_page, totp


def test_first_sign_in_enrols_an_authenticator_then_lands_on_the_caseload(client, world):
    response = password_step(client, "sw.north")
    assert response.url == reverse("identity:enrol")
    # A password alone signs no one in: every page still sends to sign-in.
    assert client.get(reverse("casework:caseload")).url.startswith(reverse("login"))
    page = client.get(reverse("identity:enrol"))
    html = page.content.decode()
    assert "<svg" in html and "QR code for your authenticator app" in html  # drawn on the server
    secret = secret_from_page(html)
    assert len(secret.replace(" ", "")) == 32
    # The same secret until it is confirmed (a reload does not change the QR code under the person).
    assert secret_from_page(client.get(reverse("identity:enrol")).content.decode()) == secret

    wrong = client.post(reverse("identity:enrol"), {"code": "123"})
    assert "Enter the 6-digit code" in wrong.content.decode()
    response = client.post(reverse("identity:enrol"), {"code": totp(secret)}, follow=True)
    html = response.content.decode()
    assert "Your recovery codes" in html
    codes = codes_from_page(html)
    assert len(codes) == 10 and len(set(codes)) == 10
    # Shown once: the page does not show them again.
    assert client.get(reverse("identity:recovery_codes")).url == reverse("identity:security")
    assert client.get(reverse("casework:caseload")).status_code == 200
    assert TOTPDevice.objects.get(user=world.users["sw_north"]).confirmed
    session = UserSession.objects.get(worker=world.users["sw_north"])
    assert session.method == "password"
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.MFA_ENROLLED, worker=world.users["sw_north"]).exists()


def test_next_sign_in_asks_for_the_code_and_a_replayed_code_is_refused(world):
    first = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
    password_step(first, "sw.north")
    secret = secret_from_page(first.get(reverse("identity:enrol")).content.decode())
    used = totp(secret)
    assert first.post(reverse("identity:enrol"), {"code": used}).status_code == 302
    # The code used to enrol is spent; the app's next code signs in.
    second = Client()
    assert password_step(second, "sw.north").url == reverse("identity:verify")
    replay = second.post(reverse("identity:verify"), {"code": used})
    assert replay.status_code == 200 and "The code is not right" in replay.content.decode()
    TOTPDevice.objects.filter(user=world.users["sw_north"]).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    response = second.post(reverse("identity:verify"), {"code": totp(secret, step_offset=1)})
    assert response.status_code == 302
    assert second.get(reverse("casework:caseload")).status_code == 200
    assert UserSession.objects.filter(worker=world.users["sw_north"]).first().browser == "Firefox on Linux"


def test_a_recovery_code_works_once(world):
    _secret, codes = enrol(Client(), "sw.north")
    client = Client()
    password_step(client, "sw.north")
    response = client.post(reverse("identity:verify"), {"code": codes[0].upper()}, follow=True)
    assert "You used a recovery code. You have 9 left" in response.content.decode()
    again = Client()
    password_step(again, "sw.north")
    refused = again.post(reverse("identity:verify"), {"code": codes[0]})
    assert refused.status_code == 200 and "The code is not right" in refused.content.decode()
    assert "_auth_user_id" not in again.session


def test_new_recovery_codes_replace_the_old_ones(world):
    client = Client()
    _secret, old = enrol(client, "sw.north")
    response = client.post(reverse("identity:security"), follow=True)
    new = codes_from_page(response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    other = Client()
    password_step(other, "sw.north")
    assert other.post(reverse("identity:verify"), {"code": old[1]}).status_code == 200  # refused: old code
    StaticDevice.objects.filter(user=world.users["sw_north"]).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    assert other.post(reverse("identity:verify"), {"code": new[1]}).status_code == 302


def test_wrong_codes_count_towards_the_sign_in_lock(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    secret, _ = enrol(Client(), "sw.north")
    client = Client()
    password_step(client, "sw.north")
    for _ in range(3):
        client.post(reverse("identity:verify"), {"code": "000000"})
    response = client.post(reverse("identity:verify"), {"code": totp(secret, step_offset=1)})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_second_step_needs_the_first(client, world):
    assert client.get(reverse("identity:verify")).url == reverse("login")
    assert client.get(reverse("identity:enrol")).url == reverse("login")


def test_demo_accounts_sign_in_with_a_password_only_where_the_demo_exemption_is_honoured(client, world, settings):
    MfaExemption.objects.create(worker=world.users["sw_north"], reason="Synthetic demo account")
    settings.LANTERN_DEMO_MFA_EXEMPTION = True
    response = password_step(client, "sw.north", follow=True)
    assert response.redirect_chain[-1][0] == reverse("casework:caseload")
    assert UserSession.objects.get(worker=world.users["sw_north"]).method == "password_demo"
    # Production never honours the mark (and an unmarked account is never exempt).
    settings.LANTERN_DEMO_MFA_EXEMPTION = False
    assert password_step(Client(), "sw.north").url == reverse("identity:enrol")
    settings.LANTERN_DEMO_MFA_EXEMPTION = True
    assert password_step(Client(), "sw.south").url == reverse("identity:enrol")


def test_production_settings_refuse_the_demo_exemption():
    import subprocess
    import sys

    from lantern.core.tests.test_security import ROOT, _production_env

    code = "from django.conf import settings; print(settings.LANTERN_DEMO_MFA_EXEMPTION)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_production_env(LANTERN_DEMO_MFA_EXEMPTION="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_deactivated_people_cannot_sign_in_with_a_password(client, world):
    worker = world.users["sw_north"]
    worker.is_active = False
    worker.save()
    response = password_step(client, "sw.north")
    assert response.status_code == 200 and "Enter a correct username and password" in response.content.decode()


@pytest.mark.parametrize("code", ["", "12", "abcdef", "1" * 40, "\x00" * 6])
def test_bad_codes_get_a_message_not_an_error(client, world, code):
    password_step(client, "sw.north")
    client.get(reverse("identity:enrol"))
    response = client.post(reverse("identity:enrol"), {"code": code})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
