"""Identity resolution: clean, train, predict, cluster. Runs in process on DuckDB; no database, no Django."""

from __future__ import annotations

import copy
import functools
import importlib.util
import logging
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI, Linker
from splink.internals.exceptions import EMTrainingException

from lantern.people.linkage import model
from lantern.people.linkage.clean import CLEAN_TABLE, as_input_table, clean_into

Stage = Literal["clean", "train", "predict", "cluster"]
STAGES: tuple[Stage, ...] = ("clean", "train", "predict", "cluster")
ProgressCallback = Callable[[Stage], None]
Engine = Literal["duckdb", "spark"]
logger = logging.getLogger(__name__)
EDGE_TABLE = "lantern_edges"
CLUSTER_TABLE = "lantern_clusters"
PERSON_TABLE = "lantern_persons"


class LinkageInputError(ValueError):
    """The records cannot be resolved as given (no or duplicate record ids); the message says which."""


class EngineUnavailable(RuntimeError):  # noqa: N818 - reads as the message: the engine is unavailable
    """The requested engine is not installed on this machine."""


@dataclass(frozen=True)
class PairScore:
    """Why the model scored a pair of records as it did: a match weight (bits) per comparison."""

    record_a: str
    record_b: str
    match_probability: float
    match_weight: float
    weights: Mapping[str, float]  # comparison -> match weight, term-frequency adjustment included
    levels: Mapping[str, str]  # comparison -> the level the pair fell in (its chart label)
    gammas: Mapping[str, int]  # comparison -> gamma (level index; -1 = missing on a side)

    @property
    def linked(self) -> bool:
        return False if math.isnan(self.match_probability) else self.match_probability >= model.CLUSTER_THRESHOLD


@dataclass(frozen=True)
class Resolution:
    """Who is who: a person id for every record, the pairs a person should look at, and why."""

    assignments: dict[str, str]  # record_id -> person_id, every input record exactly once
    review_pairs: list[PairScore]  # uncertain pairs left in different persons, most likely first
    invalid_field_counts: dict[str, int]  # field -> values that failed validation (used as far as possible)
    pairs: pa.Table  # every scored pair at or above the review floor: ids, probability, gamma_* and mw_* columns
    threshold: float
    review_floor: float
    model_json: dict[str, Any] = field(repr=False)  # the trained Splink model (settings with m and u)
    _index: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def person_count(self) -> int:
        return len(set(self.assignments.values()))

    def explain(self, record_a: str, record_b: str) -> PairScore | None:
        """The scored pair, if the model scored it above the review floor; else None."""
        if not self._index:
            left = self.pairs.column("unique_id_l").to_pylist()
            right = self.pairs.column("unique_id_r").to_pylist()
            for i, (a, b) in enumerate(zip(left, right, strict=True)):
                self._index[(a, b)] = i
                self._index[(b, a)] = i
        row = self._index.get((record_a, record_b))
        if row is None:
            return None
        return _pair_score(self.pairs.slice(row, 1).to_pylist()[0], _level_labels(self.model_json))


def resolve(
    records: Iterable[Mapping[str, Any]] | pa.Table,
    *,
    threshold: float = model.CLUSTER_THRESHOLD,
    review_floor: float = model.REVIEW_FLOOR,
    engine: Engine = "duckdb",
    progress: ProgressCallback | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> Resolution:
    """Resolve agencies' records (the `lantern resolve` input columns) into persons."""
    if not 0 < review_floor <= threshold < 1:
        raise ValueError("need 0 < review_floor <= threshold < 1")
    require_engine(engine)
    notify = progress or (lambda _stage: None)
    table = as_input_table(records)
    _check_ids(table)
    con = duckdb.connect()
    try:
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false")
        return _run(con, table, threshold=threshold, review_floor=review_floor, notify=notify)
    finally:
        con.close()


def require_engine(engine: str) -> None:
    if engine == "duckdb":
        return
    if engine == "spark":
        if importlib.util.find_spec("pyspark") is None:
            raise EngineUnavailable("Spark is not installed on this machine (no pyspark); use --engine duckdb.")
        raise EngineUnavailable("This build of Lantern runs linkage on DuckDB only; use --engine duckdb.")
    raise EngineUnavailable(f"Unknown engine {engine!r}: choose duckdb or spark.")


def _check_ids(table: pa.Table) -> None:
    ids = table.column("record_id")
    if (
        ids.null_count == 0
        and not pc.any(pc.equal(pc.utf8_trim_whitespace(ids), "")).as_py()
        and pc.count_distinct(ids).as_py() == len(ids)
    ):
        return  # the common case, checked in Arrow; the loop below finds the record at fault
    seen: dict[str, int] = {}
    for row, record_id in enumerate(table.column("record_id").to_pylist()):
        if record_id is None or not str(record_id).strip():
            raise LinkageInputError(f"record {row + 1} has no record_id")
        if record_id in seen:
            raise LinkageInputError(
                f"record {row + 1} repeats record_id {record_id!r} (first at {seen[record_id] + 1})"
            )
        seen[record_id] = row


def _run(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    *,
    threshold: float,
    review_floor: float,
    notify: ProgressCallback,
) -> Resolution:
    notify("clean")
    cleaned = clean_into(con, table)
    notify("train")
    db_api = DuckDBAPI(con)
    if cleaned.rows >= model.MIN_TRAINING_RECORDS:
        # Splink logs every step; a run reports through `progress`, and levels a small set never shows are
        # expected.
        linker = Linker(db_api.register(CLEAN_TABLE), model.settings(), log_level=logging.ERROR)
        _train(linker)
    else:
        trained, term_frequencies = _trained_with_background(table)
        linker = Linker(db_api.register(CLEAN_TABLE), trained, log_level=logging.ERROR)
        for column, frequencies in term_frequencies.items():
            linker.table_management.register_term_frequency_lookup(db_api.register(frequencies), column)
    notify("predict")
    predictions = linker.inference.predict(threshold_match_probability=review_floor, warning_mode="never")
    notify("cluster")
    clusters = _cluster(con, db_api, linker, predictions.physical_name, threshold)
    con.execute(f"""
        create or replace table {PERSON_TABLE} as
        with c as (
            select c.unique_id, c.cluster_id, r.input_row,
                   min(r.input_row) over (partition by c.cluster_id) as first_row
            from {clusters} c join {CLEAN_TABLE} r using (unique_id)
        )
        select unique_id, input_row,
               'P' || lpad(cast(dense_rank() over (order by first_row) as varchar), 7, '0') as person_id
        from c
    """)
    persons = con.sql(f"select unique_id, person_id from {PERSON_TABLE} order by input_row").to_arrow_table()
    assignments: dict[str, str] = dict(zip(persons.column(0).to_pylist(), persons.column(1).to_pylist(), strict=True))
    model_json = linker.misc.save_model_to_json()
    pair_columns = [
        name
        for name in predictions.as_duckdbpyrelation().columns
        if name in {"unique_id_l", "unique_id_r", "match_weight", "match_probability"}
        or name.startswith(("gamma_", "mw_"))
    ]
    select = ", ".join(f"p.{name}" for name in pair_columns)
    order = "order by p.match_probability desc, p.unique_id_l, p.unique_id_r"
    pairs = con.sql(f"select {select} from {predictions.physical_name} p {order}").to_arrow_table()
    apart = con.sql(f"""
        select {select} from {predictions.physical_name} p
        join {PERSON_TABLE} a on a.unique_id = p.unique_id_l
        join {PERSON_TABLE} b on b.unique_id = p.unique_id_r
        where a.person_id <> b.person_id
        {order}
    """).to_arrow_table()
    labels = _level_labels(model_json)
    review = [_pair_score(row, labels) for row in apart.to_pylist()]
    return Resolution(
        assignments=assignments,
        review_pairs=review,
        invalid_field_counts=cleaned.invalid_field_counts,
        pairs=pairs,
        threshold=threshold,
        review_floor=review_floor,
        model_json=model_json,
    )


def _cluster(
    con: duckdb.DuckDBPyConnection, db_api: DuckDBAPI, linker: Linker, predictions: str, threshold: float
) -> str:
    """Connected components over confident links, guarded against the two ways they chain people together.

    A pair whose given names conflict never links automatically (twins and siblings share everything else);
    it waits for review. A record with no given name cannot tell siblings apart, so it never bridges two
    clusters: it joins the one cluster its links point to; if they point to several, it joins the one its
    strongest link points to when that link is `model.UNNAMED_MARGIN_BITS` stronger than any link into another
    cluster, and otherwise stays apart for review.
    """
    conflict = ", ".join(str(g) for g in model.GIVEN_NAME_CONFLICT_GAMMAS)
    con.execute(f"""
        create or replace table {EDGE_TABLE} as
        select * from {predictions}
        where match_probability >= {threshold}
          and gamma_given_name not in ({conflict})
          and (given_l is null) = (given_r is null)
    """)
    components = linker.clustering.cluster_pairwise_predictions_at_threshold(
        db_api.register(EDGE_TABLE), threshold_match_probability=threshold
    )
    con.execute(f"""
        create or replace table {CLUSTER_TABLE} as
        with links as (
            select unique_id_l as unnamed, unique_id_r as named, match_weight from {predictions}
            where given_l is null and given_r is not null and match_probability >= {threshold}
            union all
            select unique_id_r, unique_id_l, match_weight from {predictions}
            where given_r is null and given_l is not null and match_probability >= {threshold}
        ),
        candidates as (
            select l.unnamed, n.cluster_id, max(l.match_weight) as weight
            from links l join {components.physical_name} n on n.unique_id = l.named
            group by l.unnamed, n.cluster_id
        ),
        ranked as (
            select unnamed, cluster_id, weight,
                   row_number() over (partition by unnamed order by weight desc, cluster_id) as rank,
                   lead(weight) over (partition by unnamed order by weight desc, cluster_id) as runner_up
            from candidates
        ),
        unambiguous as (
            select unnamed, cluster_id from ranked
            where rank = 1 and (runner_up is null or weight - runner_up >= {model.UNNAMED_MARGIN_BITS})
        )
        select c.unique_id, coalesce(u.cluster_id, c.cluster_id) as cluster_id
        from {components.physical_name} c
        left join unambiguous u on u.unnamed = c.unique_id
    """)
    return CLUSTER_TABLE


def _trained_with_background(table: pa.Table) -> tuple[dict[str, Any], dict[str, pa.Table]]:
    """A model trained on these records together with a generated synthetic population, and the term
    frequencies of that whole population.

    EM and the prior need thousands of pairs; a borough's first import or a small file has too few, and
    training on them alone gives a prior of 0 or m probabilities of 0. Term frequencies from a handful of
    records are as wrong: in three records a shared surname looks common. The background population stands
    in for the missing volume, so the parameters are still estimated (never typed in); only the input's own
    records are then scored and clustered. The u probabilities come from random sampling of the background,
    done once per process (`_background`); the prior and the m probabilities are estimated on the input and
    the background together, every time.
    """
    background, with_u = _background()
    combined = pa.concat_tables([table.select(background.column_names), background])
    con = duckdb.connect()
    try:
        clean_into(con, combined)
        linker = Linker(DuckDBAPI(con).register(CLEAN_TABLE), copy.deepcopy(with_u), log_level=logging.ERROR)
        _train(linker, estimate_u=False)
        frequencies = {
            column: linker.table_management.compute_tf_table(column).as_duckdbpyrelation().to_arrow_table()
            for column in model.TERM_FREQUENCY_COLUMNS
        }
        return linker.misc.save_model_to_json(), frequencies
    finally:
        con.close()


@functools.cache
def _background() -> tuple[pa.Table, dict[str, Any]]:
    """The generated background population (input columns) and the model with the u probabilities random
    sampling of it gives. Made once per process: the population is the same every time (a fixed seed)."""
    from lantern.people.linkage.synthetic import generate_records  # only small inputs pay for it

    background = generate_records(model.MIN_TRAINING_RECORDS * 2, seed=model.SEED).records
    ids = pa.array([f"lantern-background-{i}" for i in range(background.num_rows)])
    background = background.set_column(background.column_names.index("record_id"), "record_id", ids)
    con = duckdb.connect()
    try:
        clean_into(con, background)
        linker = Linker(DuckDBAPI(con).register(CLEAN_TABLE), model.settings(), log_level=logging.ERROR)
        linker.training.estimate_u_using_random_sampling(max_pairs=model.U_MAX_PAIRS, seed=model.SEED)
        return background, linker.misc.save_model_to_json()
    finally:
        con.close()


def _train(linker: Linker, *, estimate_u: bool = True) -> None:
    training = linker.training
    training.estimate_probability_two_random_records_match(model.DETERMINISTIC_RULES, recall=model.PRIOR_RECALL)
    if estimate_u:
        training.estimate_u_using_random_sampling(max_pairs=model.U_MAX_PAIRS, seed=model.SEED)
    for rule in model.TRAINING_RULES:
        try:
            training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=model.EM_MAX_PAIRS)
        except (ValueError, EMTrainingException) as error:
            # A small input may give a training rule no pairs at all, or (Splink 5 refuses an m probability
            # that underflows to 0) see a level only among non-matches. The comparisons that session would
            # have trained keep the estimates of the other sessions, or Splink's own starting values.
            logger.info("EM session on %s skipped: %s", rule, error)


def _pair_score(row: Mapping[str, Any], labels: Mapping[str, Mapping[int, str]]) -> PairScore:
    weights: dict[str, float] = {}
    gammas: dict[str, int] = {}
    for name in labels:
        weight = float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
        weights[name] = weight
        gammas[name] = int(row[f"gamma_{name}"])
    levels = {name: labels[name].get(gamma, "") for name, gamma in gammas.items()}
    return PairScore(
        record_a=row["unique_id_l"],
        record_b=row["unique_id_r"],
        match_probability=float(row["match_probability"]),
        match_weight=float(row["match_weight"]),
        weights=weights,
        levels=levels,
        gammas=gammas,
    )


def _level_labels(model_json: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """comparison -> gamma -> chart label, read from the settings (levels count down to 0; null is -1)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model_json["comparisons"]:
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        labels = {len(non_null) - 1 - i: level["label_for_charts"] for i, level in enumerate(non_null)}
        labels[-1] = next((lvl["label_for_charts"] for lvl in levels if lvl.get("is_null_level")), "Missing")
        out[comparison["output_column_name"]] = labels
    return out
