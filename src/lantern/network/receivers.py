"""Keep the link table in step with the changes other apps announce, inside their transactions."""

from __future__ import annotations

from typing import Any

from lantern.intel.models import IntelReport
from lantern.network.services import links_refresh, links_refresh_people
from lantern.people.models import Person, SourceRecord


def report_links(*, report: IntelReport, **_kwargs: Any) -> None:
    links_refresh(reports=[report.pk])


def people_links(*, kept: Person, absorbed: Person, **_kwargs: Any) -> None:
    links_refresh_people([kept.pk, absorbed.pk])


def record_links(*, record: SourceRecord, **_kwargs: Any) -> None:
    links_refresh(records=[record.pk])
