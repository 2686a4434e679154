from __future__ import annotations

import pytest

PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture(autouse=True)
def _static_files_by_plain_name(settings) -> None:
    """Pages in tests link the built stylesheet and scripts by their plain names.

    Production uses whitenoise's manifest storage, whose hashed names exist only after `collectstatic`
    (which `lantern serve` runs, and which the production-mode tests exercise). The test live server serves
    /static/ through the staticfiles finders instead: the same bytes, always the current build.
    """
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
