"""Tests for lantern.core.identifiers.

Check letters and check digits used as expected values are worked out by hand
in the comments; none is computed with the code under test.
"""

import pytest
from django.core.exceptions import ValidationError

from lantern.core.identifiers import (
    SYNTHETIC_NHS_BASE,
    make_nhs_number,
    make_upn,
    normalise_nhs_number,
    normalise_upn,
    upn_check_letter,
    validate_la_child_id,
    validate_nhs_number,
    validate_upn,
)

UPN_FORMAT = "Enter a UPN in the correct format, like A123456789012"
UPN_CHECK = "The UPN check letter is wrong - check the UPN has been typed correctly"
UPN_REQUIRED = "Enter a UPN"
NHS_FORMAT = "Enter an NHS number with 10 digits, like 943 476 5919"
NHS_CHECK = "Enter a valid NHS number - the check digit is wrong"
NHS_REQUIRED = "Enter an NHS number"
LA_REQUIRED = "Enter the LA child ID"
LA_LENGTH = "LA child ID must be 20 characters or fewer"
LA_CHARS = "LA child ID must only include letters and numbers"

# Check-letter alphabet, index = remainder mod 23:
#  A0 B1 C2 D3 E4 F5 G6 H7 J8 K9 L10 M11 N12 P13 Q14 R15 T16 U17 V18 W19
#  X20 Y21 Z22
#
# A123456789012: positions 2-13 are 1 2 3 4 5 6 7 8 9 0 1 2, weights 2-13:
#   1*2 + 2*3 + 3*4 + 4*5 + 5*6 + 6*7 + 7*8 + 8*9 + 9*10 + 0*11 + 1*12 + 2*13
#   = 2 + 6 + 12 + 20 + 30 + 42 + 56 + 72 + 90 + 0 + 12 + 26 = 368
#   368 = 16 * 23 + 0 -> A
# Y938200100001: 9*2 + 3*3 + 8*4 + 2*5 + 0*6 + 0*7 + 1*8 + 0 + 0 + 0 + 0
#   + 1*13 = 18 + 9 + 32 + 10 + 8 + 13 = 90; 90 = 3 * 23 + 21 -> Y
# L12345678901B (temporary, B = 1): positions 2-12 give 368 - 26 = 342,
#   plus 1*13 = 355; 355 = 15 * 23 + 10 -> L
# H12345678901Z (temporary, Z = 22): 342 + 22*13 = 342 + 286 = 628;
#   628 = 27 * 23 + 7 -> H
# A000000000000 and A00000000000A: sum 0 -> A
VALID_UPNS = [
    "A123456789012",
    "Y938200100001",
    "L12345678901B",
    "H12345678901Z",
    "A000000000000",
    "A00000000000A",
]

# 9434765919: 9*10 + 4*9 + 3*8 + 4*7 + 7*6 + 6*5 + 5*4 + 9*3 + 1*2
#   = 90 + 36 + 24 + 28 + 42 + 30 + 20 + 27 + 2 = 299
#   299 mod 11 = 2 (297 = 27 * 11); 11 - 2 = 9 -> check digit 9. Valid.
# 9434765870: 90 + 36 + 24 + 28 + 42 + 30 + 20 + 8*3 + 7*2
#   = 270 + 24 + 14 = 308 = 28 * 11 -> remainder 0; 11 - 0 = 11 -> 0. Valid.
VALID_NHS = ["9434765919", "9434765870"]

# 943476596?: as 9434765919 but digit 9 is 6 instead of 1: 299 + 5*2 = 309,
#   309 mod 11 = 1 (308 = 28 * 11); 11 - 1 = 10 -> no valid check digit.
CHECK_TEN_BASE = "943476596"


def _error(validator, value):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


# ---------------------------------------------------------------------------
# UPN
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALID_UPNS)
def test_valid_upns(value):
    validate_upn(value)


@pytest.mark.parametrize(
    ("body", "letter"),
    [
        ("123456789012", "A"),
        ("938200100001", "Y"),
        ("12345678901B", "L"),
        ("12345678901Z", "H"),
    ],
)
def test_upn_check_letter(body, letter):
    assert upn_check_letter(body) == letter


@pytest.mark.parametrize("body", ["12345678901", "1234567890123", "1234567890I2"])
def test_upn_check_letter_refuses_bad_body(body):
    with pytest.raises(ValueError):
        upn_check_letter(body)


@pytest.mark.parametrize(
    "value",
    ["a123456789012", "y938200100001", "l12345678901b", " A123 4567 89012 "],
)
def test_lower_case_and_spaces_accepted(value):
    validate_upn(value)


def test_normalise_upn():
    assert normalise_upn(" y938 2001 00001 ") == "Y938200100001"
    assert normalise_upn("l12345678901b") == "L12345678901B"


@pytest.mark.parametrize(
    "value",
    [
        "A12345678901",  # 12 characters
        "A1234567890123",  # 14 characters
        "A",
        "1123456789012",  # digit where the check letter should be
        "AB23456789012",  # letter in positions 2-12
        "A1234567890B2",  # letter in position 12
        "A12345678901I",  # I, O and S are not used as letters
        "A12345678901O",
        "A12345678901S",
        "A1234567890-2",  # punctuation
        "A12345678901!",
        "A\u0661\u0662\u0663456789012",  # Arabic-Indic digits are not 0-9
    ],
)
def test_badly_formatted_upns(value):
    error = _error(validate_upn, value)
    assert error.messages == [UPN_FORMAT]
    assert error.code == "invalid"


@pytest.mark.parametrize(
    "value",
    [
        "B123456789012",  # should be A
        "Z938200100001",  # should be Y
        "A12345678901B",  # should be L
        "I123456789012",  # I is never a check letter
        "A123456789021",  # last two digits swapped: 2*12 + 1*13 = 37, not 38
    ],
)
def test_wrong_check_letter(value):
    error = _error(validate_upn, value)
    assert error.messages == [UPN_CHECK]
    assert error.code == "check_letter"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_missing_upn(value):
    error = _error(validate_upn, value)
    assert error.messages == [UPN_REQUIRED]
    assert error.code == "required"


def test_any_single_digit_change_is_caught():
    # Weights 2-13 and digit changes 1-9 are all below the prime 23, so no
    # single-digit error can leave the sum unchanged mod 23.
    upn = "Y938200100001"
    for position in range(1, 13):
        for digit in "0123456789":
            if digit == upn[position]:
                continue
            changed = upn[:position] + digit + upn[position + 1 :]
            with pytest.raises(ValidationError):
                validate_upn(changed)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((123, 4567, 89012), "A123456789012"),  # worked out above
        ((938, 2001, 1), "Y938200100001"),  # worked out above
        ((0, 0, 0), "A000000000000"),
    ],
)
def test_make_upn_known_values(args, expected):
    assert make_upn(*args) == expected


def test_make_upn_always_valid():
    count = 0
    for la_code in (0, 201, 330, 938, 999):
        for establishment in (0, 1, 2001, 4321, 9999):
            for serial in range(0, 100000, 4999):
                upn = make_upn(la_code, establishment, serial)
                assert len(upn) == 13
                assert upn[1:4] == f"{la_code:03d}"
                assert upn[4:8] == f"{establishment:04d}"
                validate_upn(upn)
                count += 1
    assert count >= 300


@pytest.mark.parametrize("args", [(1000, 0, 0), (-1, 0, 0), (0, 10000, 0), (0, 0, 100000), (0, 0, -1)])
def test_make_upn_refuses_out_of_range(args):
    with pytest.raises(ValueError):
        make_upn(*args)


# ---------------------------------------------------------------------------
# NHS number
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALID_NHS)
def test_valid_nhs_numbers(value):
    validate_nhs_number(value)


@pytest.mark.parametrize("value", ["943 476 5919", " 943 476 5870 ", "9434 765 919", "943\t476\t5919"])
def test_nhs_number_spaces_allowed(value):
    validate_nhs_number(value)


def test_normalise_nhs_number():
    assert normalise_nhs_number(" 943 476 5919 ") == "9434765919"


@pytest.mark.parametrize(
    "value",
    [
        "9434765918",  # should end 9
        "9434765871",  # should end 0
        "4934765919",  # first two digits swapped: sum changes by 5, not 0
        "9434765991",  # last two digits swapped
    ],
)
def test_nhs_number_wrong_check_digit(value):
    error = _error(validate_nhs_number, value)
    assert error.messages == [NHS_CHECK]
    assert error.code == "check_digit"


@pytest.mark.parametrize("last", "0123456789")
def test_nhs_number_check_digit_ten_is_never_valid(last):
    error = _error(validate_nhs_number, CHECK_TEN_BASE + last)
    assert error.messages == [NHS_CHECK]


@pytest.mark.parametrize(
    "value",
    [
        "943476591",  # 9 digits
        "94347659190",  # 11 digits
        "943-476-5919",  # hyphens
        "94347659A9",  # letter
        "\u0669434765919",  # Arabic-Indic nine
    ],
)
def test_nhs_number_bad_format(value):
    error = _error(validate_nhs_number, value)
    assert error.messages == [NHS_FORMAT]
    assert error.code == "invalid"


@pytest.mark.parametrize("value", ["", "  ", None])
def test_missing_nhs_number(value):
    error = _error(validate_nhs_number, value)
    assert error.messages == [NHS_REQUIRED]


def test_nhs_single_digit_change_is_caught():
    # Weights 2-10 and changes 1-9 are below the prime 11.
    number = "9434765919"
    for position in range(10):
        for digit in "0123456789":
            if digit == number[position]:
                continue
            changed = number[:position] + digit + number[position + 1 :]
            with pytest.raises(ValidationError):
                validate_nhs_number(changed)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (943476591, "9434765919"),  # worked out above
        (943476587, "9434765870"),  # worked out above
        # 943476596 has check 10 (above), so the base moves on to 943476597:
        # 299 - 1*2 + 7*2 = 311; 311 mod 11 = 3; 11 - 3 = 8.
        (943476596, "9434765978"),
        # 999000000: 9*10 + 9*9 + 9*8 = 243; 243 mod 11 = 1 -> check 10, so
        # 999000001: 243 + 1*2 = 245; 245 mod 11 = 3; 11 - 3 = 8.
        (999000000, "9990000018"),
        # 999000002: 243 + 2*2 = 247; 247 mod 11 = 5; 11 - 5 = 6.
        (999000002, "9990000026"),
    ],
)
def test_make_nhs_number_known_values(seed, expected):
    assert make_nhs_number(seed) == expected


def test_make_nhs_number_always_valid_and_synthetic():
    for i in range(500):
        number = make_nhs_number(SYNTHETIC_NHS_BASE + i)
        assert len(number) == 10
        assert number.startswith("999")
        validate_nhs_number(number)


def test_make_nhs_number_refuses_out_of_range():
    with pytest.raises(ValueError):
        make_nhs_number(-1)
    with pytest.raises(ValueError):
        make_nhs_number(1_000_000_000)


# ---------------------------------------------------------------------------
# LA child ID
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["1", "A", "abc123XYZ", "A" * 20, "1234567890" * 2, "  CH12345  "])
def test_valid_la_child_ids(value):
    validate_la_child_id(value)


@pytest.mark.parametrize("value", ["A" * 21, "1" * 100, "ABC-" * 6])
def test_la_child_id_too_long(value):
    error = _error(validate_la_child_id, value)
    assert error.messages == [LA_LENGTH]
    assert error.code == "max_length"


@pytest.mark.parametrize("value", ["ABC-123", "ABC 123", "ABC_123", "ABC/123", "12.5", "\u00c9COLE1"])
def test_la_child_id_only_letters_and_numbers(value):
    error = _error(validate_la_child_id, value)
    assert error.messages == [LA_CHARS]
    assert error.code == "invalid"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_la_child_id_required(value):
    error = _error(validate_la_child_id, value)
    assert error.messages == [LA_REQUIRED]
    assert error.code == "required"
