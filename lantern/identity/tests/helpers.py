"""Test helpers: TOTP codes computed here (RFC 6238, independently of django-otp) and sign-in steps."""

import base64
import hashlib
import hmac
import re
import struct
import time

from django.urls import reverse

from lantern import factories as f


def totp(secret_base32: str, *, at: float | None = None, step_offset: int = 0) -> str:
    key = base64.b32decode(secret_base32.replace(" ", "") + "=" * (-len(secret_base32.replace(" ", "")) % 8))
    counter = int((at if at is not None else time.time()) // 30) + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def secret_from_page(html: str) -> str:
    return re.search(r'<code id="setup-key">([A-Z2-7 ]+)</code>', html).group(1)


def codes_from_page(html: str) -> list[str]:
    block = html.split('id="recovery-codes"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<code>([a-z2-7]+)</code>", block)


def password_step(client, username: str, password: str = f.PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def enrol(client, username: str, password: str = f.PASSWORD) -> tuple[str, list[str]]:
    """Password, then set up an app; returns the app's secret and the recovery codes shown."""
    response = password_step(client, username, password)
    assert response.status_code == 302 and response.url == reverse("identity:enrol"), response
    page = client.get(reverse("identity:enrol")).content.decode()
    secret = secret_from_page(page)
    response = client.post(reverse("identity:enrol"), {"code": totp(secret)})
    assert response.status_code == 302 and response.url == reverse("identity:recovery_codes")
    codes = codes_from_page(client.get(reverse("identity:recovery_codes")).content.decode())
    return secret, codes


def recovery_code_for(username: str) -> str:
    """Give the person an authenticator and a fresh recovery code, and return the code: every
    password sign-in asks for a second factor (tests/browser/test_sign_in_journey.py sets up a
    real authenticator app; the other journeys use a recovery code, which works once)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lantern.workforce.models import Worker

    worker = Worker.objects.get(username=username)
    if not TOTPDevice.objects.filter(user=worker, confirmed=True).exists():
        TOTPDevice.objects.create(user=worker, name="Authenticator app", confirmed=True)
    device, _ = StaticDevice.objects.get_or_create(user=worker, defaults={"name": "Recovery codes"})
    code = StaticToken.random_token()
    device.token_set.create(token=code)
    return code
