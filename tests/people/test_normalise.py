"""The normal forms linkage and search rely on, and the errors an agency's bad value gets."""

from __future__ import annotations

import datetime as dt

import pytest

from lantern.people.normalise import (
    InvalidValue,
    PartialDate,
    canonical_names,
    clean_name,
    display_phone,
    display_vrm,
    name_tokens,
    names_compatible,
    normalise_nhs_number,
    normalise_phone,
    normalise_police_reference,
    normalise_postcode,
    normalise_upn,
    normalise_vrm,
    parse_partial_date,
    phonetic_key,
    postcode_outward,
    postcode_sector,
    try_phone,
    upn_check_letter,
)


@pytest.mark.parametrize(
    "raw", ["07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "(07700) 900-123", "0044 7700 900123"]
)
def test_a_mobile_in_any_format_is_one_number(raw: str) -> None:
    assert normalise_phone(raw) == "+447700900123"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("0113 496 0123", "+441134960123"), ("020 7946 0999", "+442079460999"), ("01632 960001", "+441632960001")],
)
def test_drama_landlines_are_accepted(raw: str, e164: str) -> None:
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["07700 9001", "07700 900", "not known", "0770090012345", "", "12"])
def test_a_broken_phone_names_the_field(raw: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        normalise_phone(raw)
    assert caught.value.field == "phone"
    assert try_phone(raw) is None


def test_phones_display_as_people_write_them() -> None:
    assert display_phone("+447700900123") == "07700 900123"


@pytest.mark.parametrize(
    ("raw", "vrm", "shown"),
    [
        ("ab12 cde", "AB12CDE", "AB12 CDE"),  # current
        ("A123 BCD", "A123BCD", "A123 BCD"),  # prefix
        ("ABC 123D", "ABC123D", "ABC 123D"),  # suffix
        ("1 AB", "1AB", "1 AB"),  # dateless
        ("KMZ 4321", "KMZ4321", "KMZ 4321"),  # Northern Ireland
        (" ab-12-cde ", "AB12CDE", "AB12 CDE"),
    ],
)
def test_registration_marks(raw: str, vrm: str, shown: str) -> None:
    assert normalise_vrm(raw) == vrm
    assert display_vrm(vrm) == shown


@pytest.mark.parametrize("raw", ["AB12 CD", "ABCDEFG", "12345", "", "A1B2C3D"])
def test_a_broken_mark_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="registration mark") as caught:
        normalise_vrm(raw)
    assert caught.value.field == "vrm"


@pytest.mark.parametrize(
    ("raw", "postcode"),
    [
        ("km47qt", "KM4 7QT"),
        ("KM4 7QT", "KM4 7QT"),
        ("m1 1aa", "M1 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes(raw: str, postcode: str) -> None:
    assert normalise_postcode(raw) == postcode


def test_postcode_parts() -> None:
    assert postcode_outward("KM4 7QT") == "KM4"
    assert postcode_sector("KM4 7QT") == "KM4 7"


@pytest.mark.parametrize("raw", ["KM4 7Q", "KM47", "7QT KM4", "", "KMM4 7QT"])
def test_a_broken_postcode_is_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="postcode"):
        normalise_postcode(raw)


def test_nhs_numbers_pass_the_modulus_11_check() -> None:
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("401-023-2137") == "4010232137"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("9434765918", "check digit"), ("943476591", "10 digits"), ("94347659199", "10 digits"), ("abc", "10 digits")],
)
def test_an_invalid_nhs_number_says_why(raw: str, reason: str) -> None:
    with pytest.raises(InvalidValue, match=reason) as caught:
        normalise_nhs_number(raw)
    assert caught.value.field == "nhs_number"


def test_a_check_digit_of_ten_is_never_valid() -> None:
    # 1000000010: weights give a remainder of 1, so the check digit would be 10, which no NHS number has.
    total = sum(int(d) * w for d, w in zip("100000001", range(10, 1, -1), strict=True))
    assert 11 - total % 11 == 10
    with pytest.raises(InvalidValue, match="check digit"):
        normalise_nhs_number("1000000010")


def test_upns_carry_the_dfe_check_letter() -> None:
    body = "820200101001"
    upn = upn_check_letter(body) + body
    assert normalise_upn(upn.lower()) == upn
    temporary = "82020010100" + "A"
    assert normalise_upn(upn_check_letter(temporary) + temporary).endswith("A")


def test_a_upn_with_the_wrong_check_letter_is_refused() -> None:
    body = "820200101001"
    wrong = next(letter for letter in "ABCDEFGHJKLMNPQRTUVWXYZ" if letter != upn_check_letter(body))
    with pytest.raises(InvalidValue, match="check letter"):
        normalise_upn(wrong + body)
    with pytest.raises(InvalidValue, match="12 characters"):
        normalise_upn("A12345")


@pytest.mark.parametrize("raw", ["KM/12345/26", "km 12345 26", "KM-12345-26", "km12345/26"])
def test_police_references(raw: str) -> None:
    assert normalise_police_reference(raw) == "KM/12345/26"


def test_a_police_reference_without_a_year_is_refused() -> None:
    with pytest.raises(InvalidValue, match="force/number/year"):
        normalise_police_reference("KM/12345")


@pytest.mark.parametrize(
    ("raw", "expected", "precision"),
    [
        ("2011-05-17", PartialDate(2011, 5, 17), "day"),
        ("17/05/2011", PartialDate(2011, 5, 17), "day"),
        ("2011-05", PartialDate(2011, 5), "month"),
        ("05/2011", PartialDate(2011, 5), "month"),
        ("2011", PartialDate(2011), "year"),
    ],
)
def test_partial_dates(raw: str, expected: PartialDate, precision: str) -> None:
    parsed = parse_partial_date(raw)
    assert parsed == expected
    assert parsed is not None
    assert parsed.precision() == precision
    assert parse_partial_date(parsed.iso()) == parsed


def test_an_empty_date_is_not_known() -> None:
    assert parse_partial_date("  ") is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2010-02-30", "not a real date"),
        ("2010-13", "no month 13"),
        ("someday", "not a date"),
        ("1850-01-01", "before 1900"),
        # A year ahead, not a day: the date is taken when tests are collected, and a run may cross midnight.
        ((dt.date.today() + dt.timedelta(days=366)).isoformat(), "in the future"),
    ],
)
def test_impossible_dates_of_birth_are_refused(raw: str, message: str) -> None:
    with pytest.raises(InvalidValue, match=message) as caught:
        parse_partial_date(raw)
    assert caught.value.field == "dob"


def test_names_fold_case_accents_and_punctuation() -> None:
    assert name_tokens("Zoë O'Neil-Smith") == ["zoe", "oneil", "smith"]
    assert clean_name("  CHLOE   marsh ") == "chloe marsh"


@pytest.mark.parametrize(
    ("a", "b"), [("Mohammed", "Muhammad"), ("Catherine", "Katherine"), ("Sean", "Shaun"), ("Stephen", "Steven")]
)
def test_spellings_of_one_name_sound_alike(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)


def test_diminutives_know_their_formal_names() -> None:
    assert "william" in canonical_names("Bill")
    assert "william" in canonical_names("william")
    assert canonical_names("Tiny") == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [("Bill", "William", True), ("Kate", "Katherine", True), ("Jon", "Jonathan", True), ("Bill", "Sarah", False)],
)
def test_names_compatible(a: str, b: str, compatible: bool) -> None:
    assert names_compatible(a, b) is compatible
