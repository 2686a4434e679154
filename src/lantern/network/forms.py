"""The network pages' GET forms: which node, how far out, which dates, and what to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from lantern.network.enums import MAX_HOPS, NodeKind
from lantern.network.selectors import Window
from lantern.web.forms import GovukForm

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
KEY_LENGTH = 80  # the longest key a link holds is 60 characters; more is not a key
HOPS_CHOICES = [(n, f"{n} link{'s' if n > 1 else ''} out") for n in range(1, MAX_HOPS + 1)]


def _date(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": f"{label} must be a real date, like 2026-11-20"},
    )  # fmt: skip


def _key(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=KEY_LENGTH, help_text=help_text,
        error_messages={"max_length": f"{label} is not a node id: it is too long"},
    )  # fmt: skip


class KeysField(forms.Field):
    """Node keys given more than once (the nodes opened on the chart); any key may be named, and the selector
    refuses one the reader's graph does not hold."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(v).strip()[:KEY_LENGTH] for v in value or () if str(v).strip()]


class WindowForm(GovukForm):
    start = _date("Linked on or after")
    end = _date("Linked on or before")

    def window_dates(self) -> tuple[dt.date | None, dt.date | None]:
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")


class ChartForm(WindowForm):
    """The ego network to show. Node kind and community only choose what is shown of the chart, on the page."""

    node = _key(
        "Start from", "A node id, like person:<id>, phone:+447700900123 or vehicle:AB12CDE. The person page's "
        "“See their network” link fills it in.",
    )  # fmt: skip
    hops = forms.TypedChoiceField(
        label="How far out", choices=HOPS_CHOICES, coerce=int, initial=1, required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Choose between 1 and {MAX_HOPS} links out"},
    )  # fmt: skip
    expand = KeysField(required=False)
    kinds = forms.MultipleChoiceField(
        label="Show", choices=NodeKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to show every kind.",
    )  # fmt: skip
    # The communities are those of the chart drawn, so the choices are filled in once it is (`set_communities`);
    # a number the chart has no community for shows nothing, as a filter that matches nothing does.
    community = forms.IntegerField(
        label="Community", required=False, min_value=0, widget=forms.Select(choices=[("", "Every community")]),
    )  # fmt: skip

    def set_communities(self, numbers: list[int]) -> None:
        widget = self.fields["community"].widget
        assert isinstance(widget, forms.Select)  # noqa: S101 - declared above
        widget.choices = [("", "Every community"), *((n, f"Community {n}") for n in numbers)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The form was sent with the box empty (a link with other parameters only is a page to fill in).
        if "node" in self.data and not data.get("node") and "node" not in self.errors:
            self.add_error("node", "Enter the node id to start from")
        return data

    def clean_hops(self) -> int:
        hops: int | None = self.cleaned_data.get("hops")
        return hops or 1

    def chart_arguments(self, window: Window) -> dict[str, Any]:
        data = self.cleaned_data
        return {"node": data["node"].strip(), "hops": data["hops"], "expand": data["expand"][:50], "window": window}


class PathForm(WindowForm):
    source = _key("From", "A node id, like person:<id> or phone:+447700900123.")
    target = _key("To", "The node at the other end.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") or data.get("target"):
            for name, words in (("source", "from"), ("target", "to")):
                if not data.get(name):
                    self.add_error(name, f"Enter the node id to go {words}")
        return data


class ExportForm(ChartForm):
    format = forms.ChoiceField(choices=[("nodes.csv", "Nodes (CSV)"), ("edges.csv", "Links (CSV)"),
                                        ("graphml", "GraphML")])  # fmt: skip
