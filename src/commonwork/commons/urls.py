from django.urls import path

from commonwork.commons import views

urlpatterns = [
    path("commons/", views.index, name="commons"),
    path("commons/share/", views.share, name="commons_share"),
    path("commons/publish/", views.publish, name="commons_publish"),
    path("commons/budget/", views.ledger, name="commons_ledger"),
    path("commons/releases/<int:release_id>/", views.release, name="commons_release"),
    path(
        "commons/releases/<int:release_id>/data.csv", views.release_csv, name="commons_release_csv"
    ),
    path(
        "commons/releases/<int:release_id>/datapackage.json",
        views.release_package,
        name="commons_release_package",
    ),
    path(
        "commons/releases/<int:release_id>/registry.json",
        views.release_record,
        name="commons_release_record",
    ),
]
