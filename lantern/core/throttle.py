"""Login throttling: count failed sign-ins per username and per client address in the cache.

After LOGIN_THROTTLE_FAILURES failures inside LOGIN_THROTTLE_WINDOW_SECONDS, sign-in for that
username (or from that address, at five times the limit) is refused until the window passes,
even with the right password.
"""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    limit = settings.LOGIN_THROTTLE_FAILURES
    return [(f"login-fail:user:{username.strip().lower()}", limit), (f"login-fail:addr:{address}", limit * 5)]


def is_locked_out(username: str, address: str) -> bool:
    return any(cache.get(key, 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    window = settings.LOGIN_THROTTLE_WINDOW_SECONDS
    for key, _limit in _keys(username, address):
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window)


def clear_failures(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0][0])
