"""Validation and normal forms for the things agencies record about a person.

Every agency writes a phone, a registration mark, a postcode or a name its own way; linkage and search
only work once "07700 900123", "+44 7700 900123" and "07700900123" are one value. Each ``normalise_*``
raises :class:`InvalidValue` naming the field; each ``try_*`` answers ``None`` instead, for linkage,
which must use a bad field as far as it can rather than drop the record.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import jellyfish
import phonenumbers
from nicknames import NickNamer


class InvalidValue(ValueError):  # noqa: N818 - the domain word: a value, not a program error
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- Phones -------------------------------------------------------------------------------------------

# Ofcom reserves these ranges for drama; phonenumbers rightly calls some of them unassigned, yet synthetic
# and training data must use them, so they are accepted as real numbers.
DRAMA_PREFIXES = (
    "+447700900",
    "+44113496",
    "+44114496",
    "+44115496",
    "+44116496",
    "+44117496",
    "+44118496",
    "+44121496",
    "+44131496",
    "+44141496",
    "+44151496",
    "+44161496",
    "+44191498",
    "+442079460",
    "+442896496",
    "+442920180",
    "+44163296",
    "+448081570",
    "+449098790",
    "+443069990",
)


def normalise_phone(raw: str) -> str:
    """A UK (or international, if it starts with +) phone number in E.164."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as error:
        raise InvalidValue("phone", f"“{raw}” is not a phone number") from error
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    drama = e164.startswith(DRAMA_PREFIXES) and len(e164) == len("+447700900123")
    if not (drama or phonenumbers.is_valid_number(number)):
        raise InvalidValue("phone", f"“{raw}” is not a valid phone number")
    return e164


def try_phone(raw: str) -> str | None:
    try:
        return normalise_phone(raw)
    except InvalidValue:
        return None


def display_phone(e164: str) -> str:
    """The way people write it: national format for UK numbers, international otherwise."""
    try:
        number = phonenumbers.parse(e164, "GB")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else (phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    )
    return phonenumbers.format_number(number, style)


# --- Vehicle registration marks ------------------------------------------------------------------------

# DVLA formats: current (2001-), prefix (1983-2001), suffix (1963-83), dateless (either order) and
# Northern Ireland's three letters and up to four digits. Each pattern names where the space goes.
_VRM_FORMATS = (
    (re.compile(r"^([A-Z]{2}[0-9]{2})([A-Z]{3})$"), "current"),
    (re.compile(r"^([A-Z][0-9]{1,3})([A-Z]{3})$"), "prefix"),
    (re.compile(r"^([A-Z]{3})([0-9]{1,3}[A-Z])$"), "suffix"),
    (re.compile(r"^([A-Z]{1,3})([0-9]{1,4})$"), "dateless"),
    (re.compile(r"^([0-9]{1,4})([A-Z]{1,3})$"), "dateless"),
)


def _vrm_match(compact: str) -> re.Match[str] | None:
    for pattern, _ in _VRM_FORMATS:
        if match := pattern.match(compact):
            return match
    return None


def normalise_vrm(raw: str) -> str:
    """A UK registration mark in capitals with no spaces, the key DVLA and police systems use."""
    compact = re.sub(r"[\s\-.]", "", raw).upper()
    if not compact or _vrm_match(compact) is None:
        raise InvalidValue("vrm", f"“{raw}” is not a UK vehicle registration mark")
    return compact


def try_vrm(raw: str) -> str | None:
    try:
        return normalise_vrm(raw)
    except InvalidValue:
        return None


def display_vrm(vrm: str) -> str:
    match = _vrm_match(vrm)
    return f"{match.group(1)} {match.group(2)}" if match else vrm


# --- Postcodes ----------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def normalise_postcode(raw: str) -> str:
    """A UK postcode in capitals with one space, e.g. "KM4 7QT"."""
    compact = re.sub(r"\s", "", raw).upper()
    if compact == "GIR0AA":
        return "GIR 0AA"
    match = _POSTCODE.match(compact)
    if match is None:
        raise InvalidValue("postcode", f"“{raw}” is not a UK postcode")
    return f"{match.group(1)} {match.group(2)}"


def try_postcode(raw: str) -> str | None:
    try:
        return normalise_postcode(raw)
    except InvalidValue:
        return None


def postcode_outward(postcode: str) -> str:
    return postcode.split(" ", maxsplit=1)[0]


def postcode_sector(postcode: str) -> str:
    outward, inward = postcode.split(" ")
    return f"{outward} {inward[0]}"


# --- Identifiers --------------------------------------------------------------------------------------


def normalise_nhs_number(raw: str) -> str:
    """Ten digits whose last is the modulus-11 check digit of the first nine (NHS Data Dictionary)."""
    digits = re.sub(r"[\s\-]", "", raw)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise InvalidValue("nhs_number", f"“{raw}” is not an NHS number: it needs 10 digits")
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        raise InvalidValue("nhs_number", f"“{raw}” is not an NHS number: its check digit is wrong")
    return digits


# DfE's Unique Pupil Number: a check letter, a 3-digit local authority code, a 4-digit establishment
# number, 2 digits of the year allocated, 3 serial characters (the last a letter in a temporary UPN).
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN = re.compile(r"^([A-Z])([0-9]{11})([0-9A-Z])$")


def _upn_value(char: str) -> int:
    return int(char) if char.isdigit() else _UPN_LETTERS.index(char)


def normalise_upn(raw: str) -> str:
    compact = re.sub(r"\s", "", raw).upper()
    match = _UPN.match(compact)
    if match is None or (compact[12].isalpha() and compact[12] not in _UPN_LETTERS):
        raise InvalidValue("upn", f"“{raw}” is not a Unique Pupil Number: a letter then 12 characters")
    total = sum(_upn_value(char) * weight for char, weight in zip(compact[1:], range(2, 14), strict=True))
    if _UPN_LETTERS[total % 23] != compact[0]:
        raise InvalidValue("upn", f"“{raw}” is not a Unique Pupil Number: its check letter is wrong")
    return compact


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it; used to make valid synthetic UPNs."""
    total = sum(_upn_value(char) * weight for char, weight in zip(body, range(2, 14), strict=True))
    return _UPN_LETTERS[total % 23]


_POLICE_REFERENCE = re.compile(r"^([A-Z]{2,4})[/ \-]?([0-9]{1,8})[/ \-]([0-9]{2})$")


def normalise_police_reference(raw: str) -> str:
    """A crime or occurrence reference: force code, number and two-digit year, e.g. "KM/12345/26"."""
    match = _POLICE_REFERENCE.match(raw.strip().upper())
    if match is None:
        raise InvalidValue(
            "police_reference", f"“{raw}” is not a police reference like KM/12345/26 (force/number/year)"
        )
    return "/".join(match.groups())


# --- Dates of birth -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date of birth as far as it is known: year only, year and month, or the full date."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{part:02d}" for part in (self.month, self.day) if part]
        return "-".join(parts)

    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def as_date(self) -> dt.date | None:
        return dt.date(self.year, self.month, self.day) if self.month and self.day else None


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})$"), ("y",)),
    (re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{1,2})[/.](\d{4})$"), ("m", "y")),
)
EARLIEST_YEAR = 1900


def parse_partial_date(raw: str, *, field: str = "dob") -> PartialDate | None:
    """``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, ``DD/MM/YYYY`` or ``MM/YYYY``; empty is ``None``.

    A date that cannot exist (31 February), a future date or one before 1900 is refused: a typed-in
    impossibility must reach the person who can correct it, not be guessed at.
    """
    text = raw.strip()
    if not text:
        return None
    for pattern, order in _DATE_FORMATS:
        if match := pattern.match(text):
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            break
    else:
        raise InvalidValue(field, f"“{raw}” is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = parts["y"], parts.get("m"), parts.get("d")
    if month is not None and not 1 <= month <= 12:
        raise InvalidValue(field, f"“{raw}” has no month {month}")
    if day is not None and month is not None:
        try:
            dt.date(year, month, day)
        except ValueError as error:
            raise InvalidValue(field, f"“{raw}” is not a real date") from error
    today = dt.datetime.now(tz=dt.UTC).date()
    if year < EARLIEST_YEAR or (year, month or 1, day or 1) > (today.year, today.month, today.day):
        raise InvalidValue(field, f"“{raw}” cannot be a date of birth: it is before {EARLIEST_YEAR} or in the future")
    return PartialDate(year, month, day)


# --- Names --------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents: "Zoë" and "Zoe" are one name to every agency's keyboard."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(raw: str) -> list[str]:
    """The words of a name, folded, with apostrophes joined ("O'Neil" -> "oneil") and hyphens split."""
    folded = _fold(raw).replace("'", "").replace("\u2019", "")
    return re.findall(r"[a-z0-9]+", folded)


def clean_name(raw: str) -> str:
    return " ".join(name_tokens(raw))


def phonetic_key(token: str) -> str:
    """NYSIIS: built for names; keeps Mohammed/Muhammad, Catherine/Katherine and Sean/Shaun together."""
    letters = re.sub(r"[^a-z]", "", _fold(token))
    return jellyfish.nysiis(letters) if letters else ""


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@cache
def canonical_names(token: str) -> frozenset[str]:
    """The formal names a diminutive stands for ("bill" -> william, ...), and the name itself if formal.

    From the ``nicknames`` package (Old Dominion University's list, Apache-2.0), shipped with it.
    """
    key = _fold(token)
    found = set(_nicknamer().canonicals_of(key))
    if _nicknamer().nicknames_of(key):
        found.add(key)
    return frozenset(found)


def names_compatible(left: str, right: str) -> bool:
    """Could these two given names be one person's: the same, a diminutive of one another, or alike."""
    a, b = clean_name(left), clean_name(right)
    if not a or not b:
        return False
    if a == b:
        return True
    if ({a} | canonical_names(a)) & ({b} | canonical_names(b)):
        return True
    return phonetic_key(a) == phonetic_key(b)
