"""The indicators every Lantern borough starts with: the locality data the Rochdale review asked to be brought
together with soft intelligence (teenage pregnancies, sexually transmitted infections, mental health, school
performance and absence, runaways). A partnership adds more by importing an OHID Fingertips file."""

from __future__ import annotations

from typing import Any, NamedTuple


class Standard(NamedTuple):
    code: str
    name: str
    denominator_label: str
    per: int = 1000
    higher_is_worse: bool = True
    is_population: bool = False
    source: str = ""


POPULATION = "children-10-17"

STANDARD_INDICATORS: tuple[Standard, ...] = (
    Standard(POPULATION, "Children aged 10 to 17", "all residents", 1, False, True, "ONS mid-year estimates"),
    Standard("conceptions-under-18", "Conceptions under 18", "girls aged 15 to 17", source="ONS conception statistics"),
    Standard("conceptions-under-16", "Conceptions under 16", "girls aged 13 to 15", source="ONS conception statistics"),
    Standard("sti-diagnoses", "New STI diagnoses, aged 15 to 17", "young people aged 15 to 17", source="UKHSA GUMCAD"),
    Standard("self-harm-admissions", "Hospital admissions for self-harm, aged 10 to 17", "children aged 10 to 17",
             source="NHS Hospital Episode Statistics"),
    Standard("camhs-referrals", "Referrals to children's mental health services", "children aged 10 to 17",
             source="NHS Mental Health Services Data Set"),
    Standard("persistent-absence", "Pupils persistently absent (10% or more of sessions)", "pupils aged 10 to 16",
             source="DfE pupil absence in schools in England"),
    Standard("missing-education", "Children reported missing from education", "children aged 10 to 17",
             source="local authority children missing education returns"),
    Standard("suspensions", "Suspensions and permanent exclusions", "pupils aged 10 to 16",
             source="DfE suspensions and permanent exclusions in England"),
    Standard("ks4-below-standard", "Pupils not reaching grade 4 in English and maths at 16", "pupils at 16",
             source="DfE key stage 4 performance"),
    Standard("missing-from-home", "Children reported missing to police", "children aged 10 to 17",
             source="police missing person records"),
    Standard("substance-misuse", "Young people in specialist substance misuse treatment", "children aged 10 to 17",
             source="OHID National Drug Treatment Monitoring System"),
)  # fmt: skip


def ensure_standard_indicators(indicator_model: Any) -> None:
    """Create the standard indicators that are missing; never changes one a partnership has edited. Takes the
    model so a data migration can pass its historical model."""
    for standard in STANDARD_INDICATORS:
        defaults = standard._asdict()
        code = defaults.pop("code")
        indicator_model.objects.get_or_create(code=code, defaults=defaults)
