import sys
from collections.abc import Callable
from typing import Any

from django.conf.urls.i18n import i18n_patterns
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, include, path
from django.views import defaults

from commonwork.federation.urls import protocol_urlpatterns
from commonwork.site import views as site_views
from commonwork.site.api import api
from commonwork.site.edges import DatabaseUnavailableMiddleware, is_unavailable
from commonwork.site.health import healthz
from commonwork.site.metrics import metrics

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Outside the language prefix: one service worker and one manifest for the whole site.
    path("sw.js", site_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", site_views.manifest, name="manifest"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    # Federation's protocol: the same addresses in every language (docs/federation.md).
    path("", include(protocol_urlpatterns)),
]
urlpatterns += i18n_patterns(
    path("", include("commonwork.site.urls_core")),
    path("", include("commonwork.members.urls")),
    # Before work's urls: its tasks/<id>/<transition>/ would otherwise catch tasks/<id>/tip/.
    path("", include("commonwork.ledger.urls")),
    path("", include("commonwork.work.urls")),
    path("", include("commonwork.dispatch.urls")),
    path("", include("commonwork.governance.urls")),
    path("", include("commonwork.vault.urls")),
    path("", include("commonwork.protection.urls")),
    path("", include("commonwork.commons.urls")),
    path("", include("commonwork.observatory.urls")),
    path("", include("commonwork.platformdata.urls")),
    path("", include("commonwork.policylab.urls")),
    path("", include("commonwork.federation.urls")),
    prefix_default_language=False,
)


def _json_for_api(
    page: Callable[..., HttpResponse], status: int, code: str, message: str
) -> Callable[..., HttpResponse]:
    """Django's error page for the site, the API's JSON shape under /api/."""

    def handler(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"code": code, "message": message, "field": None}, status=status)
        return page(request, *args, **kwargs)

    return handler


handler404 = _json_for_api(defaults.page_not_found, 404, "not_found", "Not found.")
_server_error = _json_for_api(
    defaults.server_error, 500, "server_error", "Something went wrong on our side."
)


def handler500(request: HttpRequest) -> HttpResponse:
    """A bug answers 500; a database that went away outside any view (a middleware saving
    the session as PostgreSQL restarts) answers 503 like one inside a view."""
    if is_unavailable(sys.exc_info()[1] or Exception()):
        return DatabaseUnavailableMiddleware.unavailable(request)
    return _server_error(request)
