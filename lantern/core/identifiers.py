"""Validation and synthetic generation of child identifiers.

* UPN - the DfE Unique Pupil Number: 13 characters. Character 1 is a check
  letter; characters 2-4 are the local authority code, 5-8 the establishment
  number, and the rest the year of allocation and a serial number.
  Character 13 is a digit, or for a temporary UPN a letter from the
  check-letter alphabet (A-Z without I, O and S).
* NHS number - 10 digits, the last being a modulus 11 check digit.
* LA child ID - a local authority's own case reference: up to 20 letters and
  numbers.

Error messages follow the GOV.UK Design System style so they can be shown to
users as they are.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

__all__ = [
    "LA_CHILD_ID_MAX_LENGTH",
    "SYNTHETIC_NHS_BASE",
    "make_nhs_number",
    "make_upn",
    "normalise_nhs_number",
    "normalise_upn",
    "upn_check_letter",
    "validate_la_child_id",
    "validate_nhs_number",
    "validate_upn",
]

# ---------------------------------------------------------------------------
# UPN
# ---------------------------------------------------------------------------

# Check letters: A-Z without I, O and S. Index 0-22 is the remainder mod 23.
_UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN_RE = re.compile(rf"[A-Z][0-9]{{11}}[0-9{_UPN_ALPHABET}]")

UPN_REQUIRED_MESSAGE = "Enter a UPN"
UPN_FORMAT_MESSAGE = "Enter a UPN in the correct format, like A123456789012"
UPN_CHECK_MESSAGE = "The UPN check letter is wrong - check the UPN has been typed correctly"


def normalise_upn(value: str) -> str:
    """Return ``value`` with all whitespace removed, in upper case.

    This does not validate; call :func:`validate_upn` as well. Store UPNs in
    this form.
    """
    return "".join((value or "").split()).upper()


def upn_check_letter(body: str) -> str:
    """Return the check letter for the 12 characters after it (positions 2-13).

    Characters 2-12 must be digits; character 13 may be a digit or a letter
    from the check-letter alphabet (its value is its index in that alphabet).
    """
    if len(body) != 12 or not _UPN_RE.fullmatch("A" + body):
        raise ValueError(f"Not a valid UPN body: {body!r}")
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else _UPN_ALPHABET.index(char)
        total += weight * value
    return _UPN_ALPHABET[total % 23]


def validate_upn(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid UPN.

    Spaces and lower case are accepted (see :func:`normalise_upn`).
    """
    upn = normalise_upn(value)
    if not upn:
        raise ValidationError(UPN_REQUIRED_MESSAGE, code="required")
    if not _UPN_RE.fullmatch(upn):
        raise ValidationError(UPN_FORMAT_MESSAGE, code="invalid")
    if upn[0] != upn_check_letter(upn[1:]):
        raise ValidationError(UPN_CHECK_MESSAGE, code="check_letter")


def make_upn(la_code: int, establishment: int, serial: int) -> str:
    """Return a valid permanent UPN for synthetic data.

    The 12 digits are the 3-digit LA code, the 4-digit establishment number
    and a 5-digit serial (standing in for year of allocation and serial), and
    the correct check letter is put in front.
    """
    for name, number, limit in (
        ("la_code", la_code, 999),
        ("establishment", establishment, 9999),
        ("serial", serial, 99999),
    ):
        if not 0 <= number <= limit:
            raise ValueError(f"{name} must be between 0 and {limit}, not {number}")
    body = f"{la_code:03d}{establishment:04d}{serial:05d}"
    return upn_check_letter(body) + body


# ---------------------------------------------------------------------------
# NHS number
# ---------------------------------------------------------------------------

NHS_REQUIRED_MESSAGE = "Enter an NHS number"
NHS_FORMAT_MESSAGE = "Enter an NHS number with 10 digits, like 943 476 5919"
NHS_CHECK_MESSAGE = "Enter a valid NHS number - the check digit is wrong"

#: Synthetic NHS numbers are made from 9-digit bases starting here (the 999
#: range is conventionally used for test data and never issued to patients).
SYNTHETIC_NHS_BASE = 999_000_000

_NHS_RE = re.compile(r"[0-9]{10}")


def normalise_nhs_number(value: str) -> str:
    """Return ``value`` with all whitespace removed (does not validate)."""
    return "".join((value or "").split())


def _nhs_check_digit(first_nine: str) -> int | None:
    """Modulus 11 check digit for 9 digits, or None if no digit is valid."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid NHS number.

    Spaces are allowed in the input, like "943 476 5919".
    """
    number = normalise_nhs_number(value)
    if not number:
        raise ValidationError(NHS_REQUIRED_MESSAGE, code="required")
    if not _NHS_RE.fullmatch(number):
        raise ValidationError(NHS_FORMAT_MESSAGE, code="invalid")
    if _nhs_check_digit(number[:9]) != int(number[9]):
        raise ValidationError(NHS_CHECK_MESSAGE, code="check_digit")


def make_nhs_number(seed_digits: int) -> str:
    """Return a valid 10-digit NHS number built from a 9-digit base.

    ``seed_digits`` is the base (0 to 999999999, zero padded); the check digit
    is appended. If no check digit is possible for the base (the modulus 11
    result is 10) the base is increased by one until it is, so two adjacent
    seeds can give the same number. For synthetic people use bases from
    :data:`SYNTHETIC_NHS_BASE` upwards, e.g.
    ``make_nhs_number(SYNTHETIC_NHS_BASE + i)``.
    """
    base = seed_digits
    while True:
        if not 0 <= base <= 999_999_999:
            raise ValueError(f"No valid NHS number from base {seed_digits}")
        first_nine = f"{base:09d}"
        check = _nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"
        base += 1


# ---------------------------------------------------------------------------
# LA child ID
# ---------------------------------------------------------------------------

LA_CHILD_ID_MAX_LENGTH = 20

LA_CHILD_ID_REQUIRED_MESSAGE = "Enter the LA child ID"
LA_CHILD_ID_LENGTH_MESSAGE = "LA child ID must be 20 characters or fewer"
LA_CHILD_ID_CHARS_MESSAGE = "LA child ID must only include letters and numbers"

_LA_CHILD_ID_RE = re.compile(r"[A-Za-z0-9]+")


def validate_la_child_id(value: str) -> None:
    """Raise ``ValidationError`` unless ``value`` is 1-20 letters and digits.

    Leading and trailing whitespace is ignored; only ASCII letters and digits
    are allowed.
    """
    child_id = (value or "").strip()
    if not child_id:
        raise ValidationError(LA_CHILD_ID_REQUIRED_MESSAGE, code="required")
    if len(child_id) > LA_CHILD_ID_MAX_LENGTH:
        raise ValidationError(LA_CHILD_ID_LENGTH_MESSAGE, code="max_length")
    if not _LA_CHILD_ID_RE.fullmatch(child_id):
        raise ValidationError(LA_CHILD_ID_CHARS_MESSAGE, code="invalid")
