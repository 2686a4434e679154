from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.access.policy import Category
from lantern.access.registry import guards
from lantern.audit import selectors
from lantern.audit.services import AuditAction
from lantern.web.actor import signed_in_user
from lantern.web.forms import GovukForm

PAGE_SIZE = 50


class AuditSearchForm(GovukForm):
    text = forms.CharField(label="Purpose or detail contains", required=False)
    actor_username = forms.CharField(label="Username", required=False)
    object_id = forms.CharField(label="Record reference", required=False)
    action = forms.ChoiceField(choices=[("", "Any action"), *[(a.value, a.value) for a in AuditAction]], required=False)
    since = forms.DateField(
        label="From (YYYY-MM-DD)", required=False, error_messages={"invalid": "Enter the start date as YYYY-MM-DD"}
    )
    until = forms.DateField(
        label="To (YYYY-MM-DD)", required=False, error_messages={"invalid": "Enter the end date as YYYY-MM-DD"}
    )


@guards(Category.AUDIT_LOG)
@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_search(actor=signed_in_user(request), **filters)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page, "query": query.urlencode()})


@guards(Category.AUDIT_LOG)
@login_required
def my_records(request: HttpRequest) -> HttpResponse:
    events = selectors.audit_of_my_records(actor=signed_in_user(request))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/my_records.html", {"page": page})
