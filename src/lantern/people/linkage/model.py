"""Lantern's Splink model: what is compared, how candidate pairs are found, and how the model is trained.

All of it is here and nowhere else. No m or u probability is typed in: u comes from random sampling, m
from expectation maximisation, the prior (lambda) from deterministic rules. Columns refer to the cleaned
table built in `clean.py`.
"""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

# A pair at or above CLUSTER_THRESHOLD links automatically (subject to the guards in `engine.py`); a pair
# between REVIEW_FLOOR and it goes to a person for review. Connected components chain links, so be strict.
CLUSTER_THRESHOLD = 0.99
REVIEW_FLOOR = 0.5
# A record with no given name whose confident links point into several persons joins the one its strongest
# link points to only when that link is this many bits (2**n times likelier) stronger than any link into
# another person; twins, who share everything but the given name, score alike and so stay apart for review.
UNNAMED_MARGIN_BITS = 10.0
U_MAX_PAIRS = 2e6
EM_MAX_PAIRS = 1e6
PRIOR_RECALL = 0.6  # share of true matches the deterministic rules below are expected to find
SEED = 20_26
# Below this many records, training is joined by a generated background population (see `engine.py`).
MIN_TRAINING_RECORDS = 2_000


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf is not None:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _else() -> dict[str, Any]:
    return _level("ELSE", "All other comparisons")


GIVEN_NAME = {
    "output_column_name": "given_name",
    "comparison_description": "Given name, knowing diminutives (Bill/William) and the other record's aliases",
    "comparison_levels": [
        _level("given_l IS NULL OR given_r IS NULL", "Given name missing", null=True),
        _level("given_l = given_r", "Exact", tf="given"),
        _level("list_has_any(given_canon_l, given_canon_r)", "Diminutive or shared formal name"),
        _level(
            "(length(given_first_l) >= 2 AND starts_with(given_first_r, given_first_l)) "
            "OR (length(given_first_r) >= 2 AND starts_with(given_first_l, given_first_r))",
            "One is a short form of the other",
        ),
        _level("jaro_winkler_similarity(given_l, given_r) >= 0.92", "Very similar spelling"),
        _level("given_ph_l = given_ph_r", "Sounds the same"),
        _level(
            "(list_has_any(given_canon_l, family_canon_r) AND list_has_any(family_canon_l, given_canon_r)) "
            "OR (jaro_winkler_similarity(given_l, family_r) >= 0.85 "
            "AND jaro_winkler_similarity(family_l, given_r) >= 0.85)",
            "Given and family names swapped",
        ),
        _level(
            "list_has_any(given_canon_l, alias_canon_r) OR list_has_any(given_canon_r, alias_canon_l)",
            "Among the other record's aliases",
        ),
        _level("jaro_winkler_similarity(given_l, given_r) >= 0.8", "Similar spelling"),
        _else(),
    ],
}
# Given-name levels (gamma values) weak enough that a pair with them never links without review.
GIVEN_NAME_CONFLICT_GAMMAS = (0,)

FAMILY_NAME = {
    "output_column_name": "family_name",
    "comparison_description": "Family name",
    "comparison_levels": [
        _level("family_l IS NULL OR family_r IS NULL", "Family name missing", null=True),
        _level("family_l = family_r", "Exact", tf="family"),
        _level("jaro_winkler_similarity(family_l, family_r) >= 0.92", "Very similar spelling"),
        _level("family_ph_l = family_ph_r", "Sounds the same"),
        _level(
            "list_has_any(family_tokens_l, name_canon_r) OR list_has_any(family_tokens_r, name_canon_l)",
            "Among the other record's names or aliases",
        ),
        _level("jaro_winkler_similarity(family_l, family_r) >= 0.8", "Similar spelling"),
        _else(),
    ],
}

ALIASES = {
    "output_column_name": "aliases",
    "comparison_description": "Aliases and street names, as a set",
    "comparison_levels": [
        _level("alias_canon_l IS NULL OR alias_canon_r IS NULL", "No aliases on one side", null=True),
        _level("list_has_any(alias_canon_l, alias_canon_r)", "A shared alias"),
        _else(),
    ],
}

_MONTHS_L = "(dob_year_l * 12 + coalesce(dob_month_l, 6))"
_MONTHS_R = "(dob_year_r * 12 + coalesce(dob_month_r, 6))"
DATE_OF_BIRTH = {
    "output_column_name": "dob",
    "comparison_description": "Date of birth, full or partial",
    "comparison_levels": [
        _level("dob_year_l IS NULL OR dob_year_r IS NULL", "Date of birth missing", null=True),
        _level("dob_l = dob_r", "Exact full date"),
        _level(
            "dob_year_l = dob_year_r AND dob_day_l IS NOT NULL AND dob_day_r IS NOT NULL "
            "AND dob_month_l = dob_day_r AND dob_day_l = dob_month_r",
            "Day and month transposed",
        ),
        _level("dob_year_l = dob_year_r AND dob_month_l = dob_month_r", "Same year and month"),
        _level(
            "dob_year_l = dob_year_r AND (dob_month_l IS NULL OR dob_month_r IS NULL)",
            "Same year (one side gives only the year)",
        ),
        _level("dob_year_l = dob_year_r", "Same year, different month"),
        _level(f"abs({_MONTHS_L} - {_MONTHS_R}) <= 12", "Within a year"),
        _else(),
    ],
}

SEX = {
    "output_column_name": "sex",
    "comparison_description": "Sex",
    "comparison_levels": [
        _level("sex_l IS NULL OR sex_r IS NULL", "Sex missing", null=True),
        _level("sex_l = sex_r", "Same"),
        _else(),
    ],
}


def _exact(column: str, description: str, *, tf: bool = False) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [
            _level(f"{column}_l IS NULL OR {column}_r IS NULL", f"{description} missing", null=True),
            _level(f"{column}_l = {column}_r", "Exact", tf=column if tf else None),
            _else(),
        ],
    }


POSTCODE = {
    "output_column_name": "postcode",
    "comparison_description": "Postcode",
    "comparison_levels": [
        _level("outward_l IS NULL OR outward_r IS NULL", "Postcode missing", null=True),
        _level("postcode_l = postcode_r", "Exact"),
        _level("sector_l = sector_r", "Same sector"),
        _level("outward_l = outward_r", "Same outward code"),
        _else(),
    ],
}

COMPARISONS: list[dict[str, Any]] = [
    GIVEN_NAME,
    FAMILY_NAME,
    ALIASES,
    DATE_OF_BIRTH,
    SEX,
    _exact("phone", "Phone", tf=True),
    _exact("vrm", "Vehicle mark"),
    POSTCODE,
]

# Candidate pairs. None blocks on a year alone, a phone alone (the drama range repeats) or an outward code.
# An outward code is a weak key (a borough has a few dozen): rules pairing it with only a date of birth, or a
# year and a surname sound, made 10.7M of the 17M pairs at 1M generated records and found almost no true match
# the other rules miss (87 of 91,457 true pairs in 100k generated records), so there are none.
BLOCKING_RULES = [
    block_on("given_ph", "family_ph", "dob_year"),
    block_on("given_ph", "family_ph", "dob_month"),  # the year mistyped
    block_on("given_ph", "family_ph", "outward"),
    block_on("family_ph", "dob"),
    block_on("given_ph", "dob"),
    block_on("phone", "family_ph"),
    block_on("phone", "given_ph"),
    block_on("vrm"),
    block_on("postcode", "given_ph"),
    block_on("postcode", "family_ph"),
    block_on("postcode", "dob_year"),
    "l.given_ph = r.family_ph AND l.family_ph = r.given_ph",  # given and family names swapped
]

# Rules precise enough to count as matches when estimating the prior (lambda).
DETERMINISTIC_RULES: list[str | BlockingRuleCreator] = [
    block_on("given", "family", "dob"),
    block_on("given", "family", "phone"),
    block_on("given", "family", "postcode"),
]

# Expectation maximisation runs once per rule; each trains the comparisons its rule does not use.
TRAINING_RULES = [
    block_on("dob"),
    block_on("given_ph", "family_ph"),
]


TERM_FREQUENCY_COLUMNS = ("given", "family", "phone")


def settings() -> dict[str, Any]:
    """A fresh Splink settings dictionary for the model above (dedupe across all agencies' records)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": COMPARISONS,
        "blocking_rules_to_generate_predictions": BLOCKING_RULES,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "max_iterations": 25,
        "em_convergence": 0.0001,
    }
