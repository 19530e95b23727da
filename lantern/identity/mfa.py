"""Second factor for password sign-in (django-otp): an authenticator app (TOTP) and ten
single-use recovery codes (a static device). Every write is here."""

import base64
import io
from binascii import unhexlify

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.identity.models import SecurityEvent, SecurityEventKind

APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
RECOVERY_CODE_COUNT = 10


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (the same secret until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=APP_DEVICE).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = base64.b32encode(unhexlify(device.key)).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning address as an SVG QR code, drawn on the server (no script, no image request)."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=4, xmldecl=False, svgns=True, title="QR code for your authenticator app"
    )
    return buffer.getvalue().decode()


def _normalise(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with a code it shows; returns the new recovery codes, or None if the code is wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    if not device.verify_token(_normalise(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    SecurityEvent.objects.create(kind=SecurityEventKind.MFA_ENROLLED, actor=user, worker=user)
    return _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    codes = _new_recovery_codes(user)
    SecurityEvent.objects.create(kind=SecurityEventKind.RECOVERY_CODES, actor=user, worker=user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, code: str):
    """The device that accepts the code (the app's current code, or an unused recovery code,
    which is then spent), or None. Refused while django-otp's throttle delay runs."""
    code = _normalise(code)
    if not code:
        return None
    # Six digits is the app's code; anything else can only be a recovery code.
    model = TOTPDevice if (len(code) == 6 and code.isdigit()) else StaticDevice
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                return device
    return None


def throttled(user) -> bool:
    devices = [*TOTPDevice.objects.filter(user=user, confirmed=True), *StaticDevice.objects.filter(user=user)]
    return any(not d.verify_is_allowed()[0] for d in devices)


@transaction.atomic
def second_factor_reset(*, actor, worker, reason: str) -> None:
    """An administrator clears a person's authenticator and recovery codes: they set up a new
    one at their next password sign-in."""
    TOTPDevice.objects.filter(user=worker).delete()
    StaticDevice.objects.filter(user=worker).delete()
    SecurityEvent.objects.create(kind=SecurityEventKind.MFA_RESET, actor=actor, worker=worker, reason=reason)
