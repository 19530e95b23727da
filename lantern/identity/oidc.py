"""Single sign-on by OpenID Connect (mozilla-django-oidc), for Microsoft Entra ID and Google.

A person is matched to their staff record by the provider's stable claim (settings.
LANTERN_SSO_SUBJECT_CLAIM: `sub`, or `oid` for Entra ID), stored in `ExternalIdentity` with the
issuer. Optionally (settings.LANTERN_SSO_LINK_BY_EMAIL), a first sign-in links to the one active
staff record with the same email address; from then on only the stable claim counts. Nobody is
ever created by a sign-in. The ID token must be signed by the provider's published key, name
the configured issuer and this client as its audience, be unexpired and carry our nonce.
"""

import logging

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests.exceptions import RequestException

from lantern.identity import policy
from lantern.identity.models import ExternalIdentity, SecurityEvent, SecurityEventKind, SignInMethod
from lantern.identity.sessions import METHOD

log = logging.getLogger(__name__)

REFUSAL = "lantern_sso_refusal"


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        self.enabled = policy.sso_enabled()
        self.UserModel = get_user_model()
        if self.enabled:
            super().__init__(*args, **kwargs)

    def authenticate(self, request, **kwargs):
        if not self.enabled or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        try:
            payload = super().verify_token(token, **kwargs)
        except SuspiciousOperation:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, jwt.PyJWTError) as exc:
            # A malformed token (no key id, not a JWT, not JSON) is refused like a forged one.
            raise SuspiciousOperation(f"Malformed ID token: {exc!r}") from exc
        if payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer.")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client.")
        if len(audiences) > 1 and payload.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token issued to another party.")
        if "exp" not in payload:
            raise SuspiciousOperation("ID token without an expiry.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Claims come from the verified ID token (Entra ID's `oid` is only there).
        return payload

    def verify_claims(self, claims):
        return bool(claims.get(settings.LANTERN_SSO_SUBJECT_CLAIM))

    def _refuse(self, reason: str, claims: dict, worker=None):
        self.request.session[REFUSAL] = reason
        claim = settings.LANTERN_SSO_SUBJECT_CLAIM
        SecurityEvent.objects.create(
            kind=SecurityEventKind.SSO_REFUSED,
            worker=worker,
            reason={"unknown": "No staff record for this account", "inactive": "Staff record deactivated"}[reason],
            detail=f"{claims.get('email', '')} ({claim} {claims.get(claim, '')})"[:500],
        )
        return None

    def get_or_create_user(self, access_token, id_token, payload):
        claims = payload
        if not self.verify_claims(claims):
            raise SuspiciousOperation("ID token without the identifying claim.")
        subject = str(claims[settings.LANTERN_SSO_SUBJECT_CLAIM])
        link = (
            ExternalIdentity.objects.select_related("worker")
            .filter(issuer=settings.OIDC_OP_ISSUER, subject=subject)
            .first()
        )
        if link is not None:
            worker = link.worker
        else:
            worker = self._link_by_email(claims, subject)
            if worker is None:
                return self._refuse("unknown", claims)
        if not worker.is_active:
            return self._refuse("inactive", claims, worker)
        self.request.session[METHOD] = SignInMethod.SSO
        return worker

    def _link_by_email(self, claims: dict, subject: str):
        email = (claims.get("email") or "").strip()
        if not settings.LANTERN_SSO_LINK_BY_EMAIL or not email or claims.get("email_verified") is False:
            return None
        candidates = list(
            self.UserModel.objects.filter(email__iexact=email, is_active=True).exclude(
                external_identities__issuer=settings.OIDC_OP_ISSUER
            )[:2]
        )
        if len(candidates) != 1:
            return None
        worker = candidates[0]
        try:
            with transaction.atomic():
                ExternalIdentity.objects.create(
                    worker=worker,
                    issuer=settings.OIDC_OP_ISSUER,
                    subject=subject,
                    email_at_link=email,
                    linked_by="email",
                )
                SecurityEvent.objects.create(
                    kind=SecurityEventKind.SSO_LINKED,
                    worker=worker,
                    reason="First sign-in, matched by email address",
                    detail=email[:500],
                )
        except IntegrityError:
            return None
        return worker

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None


class StartView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not policy.sso_enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if policy.sso_enabled():
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the person back here. Any failure shows a page that says what to do."""

    def dispatch(self, request, *args, **kwargs):
        if not policy.sso_enabled():
            raise Http404("Single sign-on is not configured.")
        request.session.pop(REFUSAL, None)
        try:
            return super().dispatch(request, *args, **kwargs)
        except (SuspiciousOperation, RequestException) as exc:
            log.warning("Single sign-on refused: %s", exc)
            return self.refused("invalid")

    def login_failure(self):
        if self.request.GET.get("error"):
            return self.refused("cancelled")
        return self.refused(self.request.session.pop(REFUSAL, None) or "invalid")

    def refused(self, reason: str):
        return render(self.request, "identity/sso_refused.html", {"reason": reason}, status=403)
