from django.urls import path

from commonwork.members import views

urlpatterns = [
    path("join/", views.join, name="join"),
    path("application/", views.application_status, name="application_status"),
    path("account/", views.account, name="account"),
    path("account/skills/", views.update_skills, name="update_skills"),
    path("account/tokens/", views.create_token, name="create_token"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("steward/", views.steward_console, name="steward_console"),
    path(
        "steward/applications/<int:application_id>/<str:decision>/",
        views.decide_application,
        name="decide_application",
    ),
    path(
        "steward/members/<int:membership_id>/status/",
        views.change_status,
        name="change_membership_status",
    ),
]
