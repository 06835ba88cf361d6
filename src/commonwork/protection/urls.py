from django.urls import path

from commonwork.protection import views

urlpatterns = [
    path("protection/", views.home, name="protection_home"),
    path("protection/claims/", views.file_claim, name="file_claim"),
    path("protection/claims/<int:claim_id>/", views.claim_detail, name="claim_detail"),
    path("protection/claims/<int:claim_id>/decide/", views.decide, name="decide_claim"),
    path("protection/claims/<int:claim_id>/appeal/", views.appeal, name="appeal_claim"),
    path("protection/claims/<int:claim_id>/documents/", views.upload, name="claim_upload"),
    path("protection/documents/<int:document_id>/", views.document, name="claim_document"),
    path("protection/incidents/", views.report_incident, name="report_incident"),
    path("protection/sos/", views.sos, name="sos"),
    path("protection/contact/", views.emergency_contact, name="emergency_contact"),
]
