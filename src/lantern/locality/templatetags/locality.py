"""How locality figures read on a page: a suppressed figure as "c", rates to one decimal place with their
interval, verdicts as GOV.UK tags that say the comparison in words (never colour alone)."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lantern.locality.enums import AreaKind
from lantern.locality.profiles import SUPPRESSED, Cell, Measure, Source, Verdict

register = template.Library()


@register.filter
def count(cell: Cell) -> str:
    if cell.suppressed:
        return SUPPRESSED
    return "no figure" if cell.count is None else intcomma(cell.count)


@register.filter
def rate(cell: Cell) -> str:
    if cell.suppressed:
        return SUPPRESSED
    return "no figure" if cell.rate is None else f"{cell.rate:,.1f}"


@register.filter
def denominator(cell: Cell) -> str:
    if cell.suppressed:
        return SUPPRESSED
    return "no figure" if cell.denominator is None else intcomma(cell.denominator)


@register.filter
def short_area_name(name: str) -> str:
    """An LSOA's distinguishing part ("001A" of "Kestrelmoor 001A"), so labels fit on the map."""
    last = name.rsplit(" ", 1)[-1]
    return last if last[:1].isdigit() else name


@register.filter
def rate_with_interval(cell: Cell) -> str:
    shown = rate(cell)
    if cell.suppressed or cell.rate is None or cell.lower is None or cell.upper is None:
        return shown
    return f"{shown} ({cell.lower:,.1f} to {cell.upper:,.1f})"


@register.filter
def area_kind(kind: str) -> str:
    try:
        return str(AreaKind(kind).label).split(" (")[0]
    except ValueError:
        return "Area"


@register.filter
def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


@register.filter
def source_label(source: str) -> str:
    return "Lantern's own records" if source == Source.SOFT else "Published data"


@register.filter
def per_label(measure: Measure) -> str:
    if measure.per == 1:
        return f"a count of {measure.denominator_label}" if measure.denominator_label else "a count"
    return f"per {measure.per:,} {measure.denominator_label}".rstrip()


VERDICT_WORDS = {
    Verdict.HIGHER: "Significantly higher",
    Verdict.LOWER: "Significantly lower",
    Verdict.SIMILAR: "Similar",
    Verdict.NOT_COMPARED: "Not compared",
}


@register.simple_tag
def verdict_tag(verdict: str, measure: Measure) -> SafeString:
    """Red for worse, green for better, grey otherwise; the words carry the meaning for everyone."""
    value = Verdict(verdict)
    worse = (value is Verdict.HIGHER) == measure.higher_is_worse
    if value in (Verdict.SIMILAR, Verdict.NOT_COMPARED):
        colour = "govuk-tag--grey"
    else:
        colour = "govuk-tag--red" if worse else "govuk-tag--green"
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, VERDICT_WORDS[value])
