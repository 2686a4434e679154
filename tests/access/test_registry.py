"""Every view in the URLconf, and every API operation, declares what it guards; none is forgotten."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from lantern.access.policy import Category
from lantern.access.registry import declared_categories
from lantern.api import api

# Ninja serves its own schema document; it holds no data.
SCHEMA_VIEWS = {"openapi-json"}


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def api_operations() -> Iterator[tuple[str, Any]]:
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield f"{prefix}{path} {','.join(operation.methods)}", operation.view_func


def test_every_page_declares_what_it_guards() -> None:
    undeclared = []
    pages = 0
    for route, pattern in walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            continue  # API operations are checked one by one below
        pages += 1
        if declared_categories(pattern.callback) is None:
            undeclared.append(route)
    assert pages >= 15
    assert not undeclared, f"views not registered with access: {undeclared}"


def test_every_api_operation_declares_what_it_guards() -> None:
    operations = list(api_operations())
    assert len(operations) >= 10
    undeclared = [route for route, view in operations if declared_categories(view) is None]
    assert not undeclared, f"API operations not registered with access: {undeclared}"


def test_api_routes_are_only_operations_and_the_schema() -> None:
    names = {pattern.name for _, pattern in walk(api.urls[0])}
    assert names >= SCHEMA_VIEWS


def test_pages_showing_people_declare_personal_data() -> None:
    from lantern.people import views

    assert declared_categories(views.person_detail) == {Category.PERSON, Category.AGENCY_RECORD, Category.SEXUAL_HEALTH}
