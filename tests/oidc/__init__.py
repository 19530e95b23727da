"""A real OpenID Connect provider for the tests: npm's oidc-provider run by node on a free
loopback port (tests/oidc/provider.mjs), and a person's steps through its sign-in pages."""

import re
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "lantern-tests"
CLIENT_SECRET = "tests-only-client-secret"  # noqa: S105


@dataclass
class RunningProvider:
    issuer: str
    process: subprocess.Popen

    def settings(self) -> dict:
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(redirect_uris: list[str]) -> RunningProvider:
    port = free_port()
    process = subprocess.Popen(
        [
            "node",
            str(ROOT / "tests" / "oidc" / "provider.mjs"),
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            ",".join(redirect_uris),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    for line in process.stdout:  # blocks until the provider listens (or dies); warnings come first
        seen.append(line)
        if line.startswith("ready ") or len(seen) > 50:
            break
    if not line.startswith("ready "):
        process.kill()
        raise RuntimeError("The test OpenID Connect provider did not start:\n" + "".join(seen))
    issuer = line.split()[1]
    # Keep reading what it prints, so a full pipe never stalls it.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
    for _ in range(50):  # the discovery document answers once routes are mounted
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    return RunningProvider(issuer=issuer, process=process)


def sign_in_at_provider(authorize_url: str, login: str, stop_at: str) -> str:
    """Follow the provider's pages as a browser would: its login form (any name), then the
    redirects, until one points at `stop_at` (Lantern's callback); return that address."""
    browser = requests.Session()
    url = authorize_url
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            continue
        form = re.search(r'<form[^>]*action="([^"]+)"', response.text)
        if form is None:
            raise AssertionError(f"No form on the provider's page {url}: {response.text[:500]}")
        action = urljoin(url, unescape(form.group(1)))
        response = browser.post(
            action, data={"prompt": "login", "login": login, "password": "any"}, allow_redirects=False, timeout=10
        )
        url = urljoin(action, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("The provider never sent the person back")
