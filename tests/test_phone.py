"""Phone normalisation and the last-digits check used by dossier lookups."""

import pytest

from bot.services.phone import (
    InvalidPhoneError,
    check_last_digits,
    last_digits,
    mask_phone,
    normalize_phone,
    try_normalize_phone,
)


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "0912-345-678",
        "+84 912 345 678",
        "+84912345678",
        "84912345678",
        "0084 912 345 678",
        "(+84) 912-345-678",
        "+84 (0) 912 345 678",
        "912345678",  # spreadsheets drop the leading zero
        "  0912345678\n",
    ],
)
def test_mobile_forms_normalise_to_domestic(raw):
    assert normalize_phone(raw) == "0912345678"


def test_landline_keeps_eleven_digits():
    assert normalize_phone("024 3825 1234") == "02438251234"
    assert normalize_phone("+84 24 3825 1234") == "02438251234"


def test_old_eleven_digit_mobile_prefix_is_converted():
    # 0168 became 038 in the 2018 renumbering; the last digits stay the same.
    assert normalize_phone("0168 123 4567") == "0381234567"
    assert normalize_phone("+84 168 123 4567") == "0381234567"


def test_country_code_prefix_does_not_eat_a_domestic_number():
    # 084x is a VinaPhone prefix, not the country code.
    assert normalize_phone("0845123456") == "0845123456"


@pytest.mark.parametrize(
    "raw",
    ["", "12345", "abc", "+1 202 555 0100", "0912345678901", "0112345678", "０９１２３４５６７８"],
)
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidPhoneError):
        normalize_phone(raw)
    assert try_normalize_phone(raw) is None


def test_error_message_never_repeats_the_number():
    with pytest.raises(InvalidPhoneError) as info:
        normalize_phone("0999")
    assert "0999" not in str(info.value)


def test_last_digits():
    assert last_digits("0912345678") == "5678"
    assert last_digits("0912.345.678", 3) == "678"
    with pytest.raises(ValueError):
        last_digits("0912345678", 0)


@pytest.mark.parametrize(
    ("stored", "given", "expected"),
    [
        ("0912345678", "5678", True),
        ("0912345678", " 56 78 ", True),
        ("0912345678", "5679", False),
        ("0912345678", "678", False),
        ("0912345678", "45678", False),
        ("0912345678", "56a8", False),
        ("0912345678", "", False),
        (None, "5678", False),
        ("", "0000", False),
        (None, "0000", False),  # the dummy padding must never match
    ],
)
def test_check_last_digits(stored, given, expected):
    assert check_last_digits(stored, given) is expected


def test_mask_phone():
    assert mask_phone("0912345678") == "091****678"
    assert mask_phone(None) == ""
