from django.urls import include, path

from lantern.api import api
from lantern.web.middleware import not_found_page

urlpatterns = [
    path("", include("lantern.web.urls")),
    path("", include("lantern.accounts.urls")),
    path("", include("lantern.people.urls")),
    path("", include("lantern.intel.urls")),
    path("", include("lantern.cases.urls")),
    path("", include("lantern.screening.urls")),
    path("", include("lantern.language.urls")),
    path("", include("lantern.locality.urls")),
    path("", include("lantern.network.urls")),
    path("", include("lantern.oversight.urls")),
    path("", include("lantern.audit.urls")),
    path("", include("lantern.access.urls")),
    path("api/v1/", api.urls),
]


def handler404(request, exception=None):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201, ARG001
    return not_found_page(request)
