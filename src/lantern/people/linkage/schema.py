"""The columns of `lantern resolve` input, in order (see docs: the `lantern resolve` contract)."""

from __future__ import annotations

INPUT_COLUMNS: tuple[str, ...] = (
    "record_id", "agency", "given_name", "family_name", "aliases", "dob", "sex", "phone", "postcode", "vrm",
)  # fmt: skip
OUTPUT_COLUMNS: tuple[str, ...] = ("record_id", "person_id")
ALIAS_SEPARATOR = ";"
