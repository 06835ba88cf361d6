from django.urls import path

from commonwork.vault import views

urlpatterns = [
    path("data/", views.data_inventory, name="data_inventory"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/consents/", views.grant, name="grant_consent"),
    path("my-data/consents/<str:record_id>/revoke/", views.revoke, name="revoke_consent"),
    path("my-data/export/", views.request_export, name="request_export"),
    path("my-data/erase/", views.erase, name="erase_my_data"),
    path("my-data/exports/", views.exports, name="my_exports"),
    path("my-data/exports/<int:export_id>/", views.download_export, name="download_export"),
]
