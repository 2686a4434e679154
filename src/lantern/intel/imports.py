"""Importing an agency's intelligence file: every row checked by the service's own rules, all or nothing.

Each row is submitted through `services.report_submit`, as the user the file names, inside one transaction
that is rolled back if any row fails. The service's checks are therefore the import's checks, with nothing
duplicated, and a file with one bad row leaves no trace. Only what a CSV adds is checked here: the
agency's reference, who submitted it, the date formats and any historic grade.

Intelligence is never edited after submission, so a row that was imported before is either identical (left
alone, counted unchanged) or an error; the import never rewrites a report.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from lantern.access.policy import AccessDenied, Action, Category, Draft, NotVisible, can
from lantern.accounts.models import Agency, User
from lantern.audit.services import AuditAction, Outcome, audit_record
from lantern.intel.enums import MAX_SHORT, Knowledge, Scheme, Status, Urgency
from lantern.intel.models import IntelReport
from lantern.intel.rules import INT_3X5X2, INT_5X5X5_LEGACY
from lantern.intel.services import parse_when, report_submit
from lantern.people.imports import FileError, RowError, data_rows

REQUIRED_COLUMNS = ("report_id", "submitted_by", "what", "when", "where", "knowledge", "urgency")
KNOWN_COLUMNS = (
    *REQUIRED_COLUMNS, "people", "vehicles", "phones", "received_at", "grading_scheme", "grade",
    "handling_conditions",
)  # fmt: skip
MULTI = ";"
SOURCE_REF_LIMIT = IntelReport._meta.get_field("source_ref").max_length or 64

# The service names its fields as the form does; these are the CSV columns a person has to correct.
SERVICE_FIELD_COLUMNS = {"location": "where", "place": "where", "ward": "where", NON_FIELD_ERRORS: "row"}
# ... and words its messages for the form. These phrases are reworded for someone fixing a file.
FORM_TO_FILE_WORDING = (("one per line", f"separated by “{MULTI}”"), (", or choose a place", ""))
CHOICES_HINT = {
    "knowledge": f"use {', '.join(Knowledge.values)}",
    "urgency": f"use {', '.join(Urgency.values)}",
}
GRADE_SHAPE = {
    Scheme.G3X5X2: "a 3x5x2 grade is a digit 1-3, a letter A-E and P or C, like 2BP",
    Scheme.G5X5X5: "a 5x5x5 grade is a letter A-E, then digits 1-5 and 1-5, like B24",
}


@dataclass(frozen=True)
class Grading:
    """A grade the agency gave before the report came to Lantern, kept as it was recorded."""

    scheme: str
    source_evaluation: str
    intelligence_assessment: str
    handling_code: str
    handling_conditions: str

    def as_stored(self) -> tuple[str, str, str, str, str]:
        return (
            self.scheme,
            self.source_evaluation,
            self.intelligence_assessment,
            self.handling_code,
            self.handling_conditions,
        )


@dataclass(frozen=True)
class IntelRow:
    """One row as far as it could be read. A row with errors is still checked by the service, so one run
    reports every problem in the file rather than the first of each row."""

    line: int
    report_id: str
    submitted_by: str
    what: str
    occurred_on: dt.date | None
    occurred_time: dt.time | None
    where: str
    knowledge: str
    urgency: str
    people: tuple[str, ...] = ()
    vehicles: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    received_at: dt.datetime | None = None
    grading: Grading | None = None
    failed: frozenset[str] = frozenset()  # the columns already reported, whose service message would repeat it


@dataclass
class IntelFile:
    rows: list[IntelRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class IntelImportResult:
    """What the import did, or (with errors) why it did nothing."""

    created: int = 0
    unchanged: int = 0
    graded: int = 0
    errors: list[RowError] = field(default_factory=list)


# --- Reading the file ------------------------------------------------------------------------------------


def _split(*, value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(MULTI) if part.strip())


def _rows(*, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, row) for each row with any value in it. The line is where the row starts, counting the header
    as line 1, so a row with a quoted line break in it is still found where it begins."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise FileError(f"line 1: the header cannot be read as CSV ({error})") from error
    if not any(header):
        raise FileError(f"line 1: the file is empty; the first line must name the columns: {', '.join(KNOWN_COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise FileError(f"line 1: the header has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}")
    unknown = [c for c in header if c not in KNOWN_COLUMNS]
    if unknown:
        raise FileError(f"line 1: unknown column(s) {', '.join(unknown)}; known: {', '.join(KNOWN_COLUMNS)}")
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise FileError(f"line 1: column(s) {', '.join(repeated)} appear more than once")
    for line, values in data_rows(reader, len(header)):
        yield line, dict(zip(header, values, strict=True))


def _parse_moment(*, raw: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(raw)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def _parse_grading(*, value: Callable[[str], str], report: Callable[[str, str], None]) -> Grading | None:
    """A historic grade, if the row has one, checked by the rule for its scheme."""
    scheme, grade, conditions = value("grading_scheme").lower(), value("grade").upper(), value("handling_conditions")
    if not (scheme or grade or conditions):
        return None  # an ungraded report: triage grades it in Lantern
    shape = GRADE_SHAPE.get(Scheme(scheme), "") if scheme in Scheme.values else ""
    problem = (
        ("grading_scheme", f"Use {' or '.join(Scheme.values)} for the grade, or leave grading_scheme, grade and "
         "handling_conditions empty for an ungraded report") if not shape
        else ("grade", f"Give the {scheme} grade, or leave grading_scheme empty: {shape}") if not grade
        else ("grade", f"“{grade}” is not a grade: {shape}") if len(grade) != 3
        else None
    )  # fmt: skip
    if problem is not None:
        report(*problem)
        return None
    try:
        if scheme == Scheme.G3X5X2:
            INT_3X5X2.validate(
                source_evaluation=grade[0], assessment=grade[1], handling_code=grade[2], conditions=conditions
            )
        else:
            # Historic grades are stored as recorded, letter first, never converted (INT-5X5X5-LEGACY).
            INT_5X5X5_LEGACY.validate(source=grade[0], intelligence=grade[1], handling=grade[2])
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name == "handling_conditions":
                report("handling_conditions", messages[0])
            else:
                report("grade", f"“{grade}” cannot be used: {messages[0]}")
        return None
    return Grading(scheme, grade[0], grade[1], grade[2], conditions)


def parse_row(*, row: Mapping[str, str], line: int) -> tuple[IntelRow, list[RowError]]:
    """What the CSV itself adds to a submission; everything a submission needs is left to the service."""
    errors: list[RowError] = []

    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    def report(name: str, message: str) -> None:
        errors.append(RowError(line, name, message))

    report_id = value("report_id")
    if not report_id:
        report("report_id", "Enter the agency's own reference for this report")
    elif len(report_id) > SOURCE_REF_LIMIT:
        report("report_id", f"The reference must be {SOURCE_REF_LIMIT} characters or fewer (it has {len(report_id)})")
    if not value("submitted_by"):
        report("submitted_by", "Enter the username of the person at the agency who submitted this report")
    occurred_on, occurred_time = None, None
    if value("when"):
        try:
            occurred_on, occurred_time = parse_when(value("when"))
        except ValidationError as error:
            report("when", error.message_dict["when"][0])
    received_at = None
    if value("received_at"):
        try:
            received_at = _parse_moment(raw=value("received_at"))
        except ValueError:
            report("received_at", "Enter when the agency received it as an ISO date and time, like 2024-03-05T14:30")
    if received_at is not None:
        if received_at > timezone.now():
            report("received_at", "When the agency received it must be in the past")
        elif occurred_on is not None and timezone.localdate(received_at) < occurred_on:
            report("received_at", "The agency cannot have received it before the date it happened (when)")
    grading = _parse_grading(value=value, report=report)
    parsed = IntelRow(
        line=line,
        report_id=report_id,
        submitted_by=value("submitted_by"),
        what=value("what"),
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        where=value("where"),
        knowledge=value("knowledge").lower(),
        urgency=value("urgency").lower(),
        people=_split(value=value("people")),
        vehicles=_split(value=value("vehicles")),
        phones=_split(value=value("phones")),
        received_at=received_at,
        grading=grading,
        failed=frozenset(e.field for e in errors),
    )
    return parsed, errors


def read_intel(*, path: Path) -> IntelFile:
    """Every row of the file read; FileError if the file itself is unusable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise FileError(f"line {line}: the file is not UTF-8 text") from error
    result = IntelFile()
    seen: dict[str, int] = {}
    for line, raw in _rows(text=text):
        row, errors = parse_row(row=raw, line=line)
        result.errors.extend(errors)
        if row.report_id and row.report_id in seen:
            result.errors.append(RowError(line, "report_id", f"repeats line {seen[row.report_id]}"))
            continue
        if row.report_id:
            seen[row.report_id] = line
        result.rows.append(row)
    return result


# --- Importing --------------------------------------------------------------------------------------------


def _chunks(*, values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Lookups in slices: SQLite limits how many values one query may carry."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _submitter_problem(*, user: User | None, username: str, agency: Agency) -> str:
    """Why this user cannot be the one a row is imported as, or "" if they can."""
    if user is None:
        return f"No user “{username}”: give the username of someone at {agency.code} who may submit intelligence"
    if user.agency_id != agency.pk:
        held_by = user.agency.code if user.agency else "no agency"
        return f"“{username}” belongs to {held_by}, not {agency.code}: each row must name a user of {agency.code}"
    if not user.is_active:
        return f"“{username}”'s account is not active"
    if not can(user, Action.CREATE, Draft(Category.INTELLIGENCE, user.agency_id)):
        role = user.get_role_display() or "no role"
        return f"“{username}” ({role}) may not submit intelligence"
    return ""


def _submission(*, row: IntelRow) -> dict[str, object]:
    """The row as the stored report would hold it: what tells an unchanged row from an edited one."""
    content: dict[str, object] = {
        "submitted_by": row.submitted_by,
        "what": row.what,
        "when": (row.occurred_on, row.occurred_time),
        "where": row.where,
        "people": "; ".join(row.people)[:MAX_SHORT],
        "vehicles": "; ".join(row.vehicles)[:MAX_SHORT],
        "phones": "; ".join(row.phones)[:MAX_SHORT],
        "knowledge": row.knowledge,
        "urgency": row.urgency,
    }
    if row.received_at is not None:  # without it the report was stamped when first imported
        content["received_at"] = row.received_at
    return content


def _stored(*, report: IntelReport, keys: Sequence[str]) -> dict[str, object]:
    stored: dict[str, object] = {
        "submitted_by": report.submitted_by.username if report.submitted_by else "",
        "what": report.what,
        "when": (report.occurred_on, report.occurred_time),
        "where": report.location_text,
        "people": report.people_text,
        "vehicles": report.vehicles_text,
        "phones": report.phones_text,
        "knowledge": report.knowledge,
        "urgency": report.urgency,
        "received_at": report.received_at,
    }
    return {key: stored[key] for key in keys}


def _differences(*, row: IntelRow, report: IntelReport) -> list[str]:
    wanted = _submission(row=row)
    differ = [key for key, current in _stored(report=report, keys=list(wanted)).items() if wanted[key] != current]
    # A grade an analyst has since given in Lantern is theirs, not the file's: only an imported grade
    # (graded_by empty) is compared, so re-running a file after triage still changes nothing.
    if report.graded_by_id is None:
        stored = Grading(
            report.grading_scheme, report.source_evaluation, report.intelligence_assessment, report.handling_code,
            report.handling_conditions,
        )  # fmt: skip
        wanted_grade = row.grading.as_stored() if row.grading else ("", "", "", "", "")
        if wanted_grade != stored.as_stored():
            differ.append("grade")
    return differ


def _service_errors(*, row: IntelRow, error: ValidationError) -> list[RowError]:
    found: list[RowError] = []
    messages = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for name, texts in messages.items():
        column = SERVICE_FIELD_COLUMNS.get(name, name)
        if column in row.failed:
            continue  # the row's own check already said what is wrong, more precisely
        for text in texts:
            for form, file in FORM_TO_FILE_WORDING:
                text = text.replace(form, file)  # noqa: PLW2901 - reworded in place for the file's reader
            hint = CHOICES_HINT.get(column)
            found.append(RowError(row.line, column, f"{text} ({hint})" if hint else text))
    return found


def _grade(*, report: IntelReport, grading: Grading, label: str) -> None:
    """A historic grade goes on as it was recorded: triaged, graded when received, by no Lantern user."""
    report.grading_scheme = grading.scheme
    report.source_evaluation = grading.source_evaluation
    report.intelligence_assessment = grading.intelligence_assessment
    report.handling_code = grading.handling_code
    report.handling_conditions = grading.handling_conditions
    report.status, report.graded_at, report.graded_by = Status.TRIAGED, report.received_at, None
    report.save(
        update_fields=[
            "grading_scheme", "source_evaluation", "intelligence_assessment", "handling_code",
            "handling_conditions", "status", "graded_at", "graded_by",
        ]
    )  # fmt: skip
    audit_record(
        actor=None, username=label, action=AuditAction.UPDATE, target=report, purpose="intelligence import",
        outcome=Outcome.SUCCESS, detail={"historic_grade": report.grade},
    )  # fmt: skip


def _submit(*, row: IntelRow, submitter: User, label: str) -> list[RowError]:
    """Submit one row as its submitter, in its own savepoint; the row's problems, if any."""
    try:
        with transaction.atomic():
            report = report_submit(
                actor=submitter, what=row.what, occurred_on=row.occurred_on, occurred_time=row.occurred_time,
                knowledge=row.knowledge, urgency=row.urgency, location_text=row.where, people=row.people,
                vehicles=row.vehicles, phones=row.phones, received_at=row.received_at, source_ref=row.report_id,
            )  # fmt: skip
            if row.grading is not None:
                _grade(report=report, grading=row.grading, label=label)
    except ValidationError as error:
        return _service_errors(row=row, error=error)
    except (AccessDenied, NotVisible):
        return [RowError(row.line, "submitted_by", f"“{row.submitted_by}” may not submit intelligence")]
    except IntegrityError:
        # The agency's reference is unique: another import of it committed while this one ran.
        if not IntelReport.objects.filter(agency=submitter.agency, source_ref=row.report_id).exists():
            raise
        message = f"{row.report_id} was imported by another run at the same time; run this file again to check it"
        return [RowError(row.line, "report_id", message)]
    return []


def intel_import(*, agency: Agency, read: IntelFile, progress: Callable[[], None] | None = None) -> IntelImportResult:
    """All rows or none. Rows are checked by submitting them, as the user each names, in one transaction
    rolled back if any row (or the file reading before) found a problem; the report then lists them all."""
    label = f"import:{agency.code}"
    result = IntelImportResult(errors=list(read.errors))
    usernames = sorted({r.submitted_by for r in read.rows if r.submitted_by})
    users = {
        u.username: u
        for chunk in _chunks(values=usernames)
        for u in User.objects.filter(username__in=chunk).select_related("agency")
    }
    references = [r.report_id for r in read.rows if r.report_id]
    existing = {
        r.source_ref: r
        for chunk in _chunks(values=references)
        for r in IntelReport.objects.filter(agency=agency, source_ref__in=chunk).select_related("submitted_by")
    }
    with transaction.atomic():
        for row in read.rows:
            result.errors.extend(
                _import_row(row=row, users=users, existing=existing, agency=agency, label=label, result=result)
            )
            if progress is not None:
                progress()
        if result.errors:
            # Every row has been tried, so the report is complete; now none of it is kept.
            transaction.set_rollback(True)
            result.created = result.unchanged = result.graded = 0
        else:
            audit_record(
                actor=None, username=label, action=AuditAction.IMPORT, object_type="import",
                purpose="intelligence import", outcome=Outcome.SUCCESS,
                detail={"created": result.created, "unchanged": result.unchanged, "graded": result.graded},
            )  # fmt: skip
    columns = {name: index for index, name in enumerate(("row", *KNOWN_COLUMNS))}
    result.errors.sort(key=lambda e: (e.line, columns.get(e.field, len(columns))))
    return result


def _import_row(
    *,
    row: IntelRow,
    users: Mapping[str, User],
    existing: Mapping[str, IntelReport],
    agency: Agency,
    label: str,
    result: IntelImportResult,
) -> list[RowError]:
    report = existing.get(row.report_id) if row.report_id else None
    if report is not None:
        # Nothing is written for a row imported before, so its submitter need not still be able to submit:
        # a file re-run after someone has left still changes nothing.
        return _compare(row=row, report=report, result=result)
    if not row.submitted_by:
        return []  # reported when read; without a submitter there is no one to check the row as
    submitter = users.get(row.submitted_by)
    if problem := _submitter_problem(user=submitter, username=row.submitted_by, agency=agency):
        return [RowError(row.line, "submitted_by", problem)]
    assert submitter is not None  # noqa: S101 - _submitter_problem reports a missing user
    errors = _submit(row=row, submitter=submitter, label=label)
    if not errors:
        result.created += 1
        result.graded += row.grading is not None
    return errors


def _compare(*, row: IntelRow, report: IntelReport, result: IntelImportResult) -> list[RowError]:
    """A row imported before: unchanged, or an error, since intelligence is never edited."""
    if row.failed:
        return []  # what the row says is already in question; comparing it with the report would add noise
    if differ := _differences(row=row, report=report):
        return [
            RowError(
                row.line, "report_id",
                f"{row.report_id} was already imported with different content ({', '.join(differ)}); "
                "intelligence is never edited after submission",
            )
        ]  # fmt: skip
    result.unchanged += 1
    return []
