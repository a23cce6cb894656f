"""Vietnamese phone numbers: one stored form, and a timing-safe "last digits" check.

Exports, clerks and citizens write the same number as ``+84 912 345 678``,
``84912345678``, ``0912.345.678`` or ``(+84) 0912-345-678``. Dossier lookups
compare the last digits of the number registered with the dossier, so every
number is stored in the domestic ``0xxxxxxxxx`` form (10 digits for mobiles,
11 for landlines ``02x…``) and compared with :func:`check_last_digits`, which
takes the same time whether the guess is right, wrong or malformed.

Numbers are personal data: nothing in this module logs, and error messages
never repeat the number.
"""

from __future__ import annotations

import hmac
import re

__all__ = [
    "InvalidPhoneError",
    "check_last_digits",
    "last_digits",
    "mask_phone",
    "normalize_phone",
    "try_normalize_phone",
]

# Separators people and spreadsheets put inside numbers.
_SEPARATORS = re.compile(r"[\s.\-()/]+")
# Old 11-digit mobile prefixes renumbered to 10 digits in 2018 (old → new).
# Dossier exports that go back years still carry them; the last digits are
# unchanged, so converting only makes stored numbers uniform.
_OLD_MOBILE_PREFIXES: dict[str, str] = {
    # Viettel
    "0162": "032", "0163": "033", "0164": "034", "0165": "035",
    "0166": "036", "0167": "037", "0168": "038", "0169": "039",
    # MobiFone
    "0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
    # VinaPhone
    "0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
    # Vietnamobile, Gmobile
    "0186": "056", "0188": "058", "0199": "059",
}  # fmt: skip
# Mobile: 0 + 3/5/7/8/9 + 8 digits. Landline: 02 + 9 digits (area code + subscriber).
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")
# Compared against when there is no stored number, so a miss costs the same time as a hit.
_DUMMY_DIGITS = "0" * 16


class InvalidPhoneError(ValueError):
    """The text is not a Vietnamese phone number; the message never contains the number."""


def normalize_phone(raw: str) -> str:
    """Return the number as ``0xxxxxxxxx`` so lookups compare like with like.

    Accepts +84 / 84 / 0084 / 0 prefixes, a stray trunk ``0`` after the country
    code (``+84 0912…``), spaces, dots, dashes, slashes and parentheses, and the
    pre-2018 11-digit mobile prefixes (converted to today's 10-digit form).
    Raises :class:`InvalidPhoneError` otherwise.
    """
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("+"):
        text = text[1:]
        if not text.startswith("84"):
            raise InvalidPhoneError("Số điện thoại không phải số Việt Nam")
    if not text.isdigit() or not text.isascii():
        raise InvalidPhoneError("Số điện thoại chỉ gồm chữ số")
    if text.startswith("0084"):
        text = text[4:]
    elif text.startswith("84") and len(text) >= 11:
        # "84" + 9 or 10 digits; a bare 10-digit "084…" never reaches here.
        text = text[2:]
    if not text.startswith("0"):
        text = "0" + text
    if len(text) == 11 and text[:4] in _OLD_MOBILE_PREFIXES:
        text = _OLD_MOBILE_PREFIXES[text[:4]] + text[4:]
    if _MOBILE.fullmatch(text) or _LANDLINE.fullmatch(text):
        return text
    raise InvalidPhoneError("Số điện thoại không đúng định dạng")


def try_normalize_phone(raw: str | None) -> str | None:
    """Like :func:`normalize_phone` but ``None`` for blank or invalid input, for lenient callers."""
    if raw is None or not raw.strip():
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhoneError:
        return None


def last_digits(phone: str, n: int = 4) -> str:
    """The last ``n`` digits, ignoring any separators, so callers need not normalise first."""
    if n <= 0:
        raise ValueError("n must be positive")
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    return digits[-n:]


def check_last_digits(stored_phone: str | None, given: str, n: int = 4) -> bool:
    """True when ``given`` is exactly the last ``n`` digits of ``stored_phone``.

    Why constant-time: the answer to a dossier lookup must not leak, through
    response timing, how many leading digits of a guess were right. The
    comparison always runs over ``n`` characters, also when there is no stored
    number or the guess has the wrong length (those simply fail afterwards).
    Spaces in the guess are tolerated (``"56 78"``); anything else that is not
    a digit makes the check fail.
    """
    guess = given.strip().replace(" ", "")
    expected = last_digits(stored_phone, n) if stored_phone else ""
    ok_shape = len(guess) == n and guess.isascii() and guess.isdigit() and len(expected) == n
    # Pad/cut both sides to n characters so compare_digest always sees equal lengths.
    left = (guess + _DUMMY_DIGITS)[:n].encode("ascii", "replace")
    right = (expected + _DUMMY_DIGITS)[:n].encode("ascii", "replace")
    same = hmac.compare_digest(left, right)
    return same and ok_shape


def mask_phone(phone: str | None) -> str:
    """Show an official enough to recognise a number (``091****678``) without exposing it."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) <= 6:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 6) + digits[-3:]
