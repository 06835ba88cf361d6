from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path

from commonwork.site.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
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
    path("", include("commonwork.policylab.urls")),
    prefix_default_language=False,
)
