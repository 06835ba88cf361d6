from django.urls import path

from commonwork.platformdata import views

urlpatterns = [
    path("import/", views.start, name="platform_import_start"),
    path("import/how/", views.how, name="platform_import_help"),
    path("import/<int:upload_id>/", views.detail, name="platform_import"),
    path("import/<int:upload_id>/figures.json", views.download, name="platform_import_json"),
    path("import/<int:upload_id>/erase/", views.erase, name="platform_import_erase"),
    path("import/<int:upload_id>/donate/", views.donate, name="platform_import_donate"),
]
