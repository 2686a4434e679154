"""Identity resolution: which agencies' records describe the same person.

Splink 5 on DuckDB, in process, with no database and no Django. Records use the `lantern resolve` input
columns (`schema.INPUT_COLUMNS`); `resolve` returns a person id for every record, the uncertain pairs for a
person to review, and the match weights behind every scored pair.

    from lantern.people.linkage import resolve
    resolution = resolve(rows)              # rows: dicts or a pyarrow.Table
    resolution.assignments["police-17"]     # "P0000042"
    resolution.review_pairs[0].weights      # {"given_name": 6.9, "dob": 9.8, ...}
"""

from lantern.people.linkage.engine import (
    STAGES,
    EngineUnavailable,
    LinkageInputError,
    PairScore,
    ProgressCallback,
    Resolution,
    Stage,
    require_engine,
    resolve,
)
from lantern.people.linkage.files import InputFileError, read_records_csv, write_assignments_csv
from lantern.people.linkage.metrics import PairwiseScores, pairwise_scores
from lantern.people.linkage.schema import INPUT_COLUMNS, OUTPUT_COLUMNS
from lantern.people.linkage.synthetic import SyntheticPerson, SyntheticRecords, generate_records

__all__ = [
    "INPUT_COLUMNS",
    "OUTPUT_COLUMNS",
    "STAGES",
    "EngineUnavailable",
    "InputFileError",
    "LinkageInputError",
    "PairScore",
    "PairwiseScores",
    "ProgressCallback",
    "Resolution",
    "Stage",
    "SyntheticPerson",
    "SyntheticRecords",
    "generate_records",
    "pairwise_scores",
    "read_records_csv",
    "require_engine",
    "resolve",
    "write_assignments_csv",
]
