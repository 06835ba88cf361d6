from django.urls import path

from commonwork.governance import views

urlpatterns = [
    path("proposals/", views.proposal_list, name="proposals"),
    path("proposals/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:proposal_id>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:proposal_id>/vote/", views.vote, name="proposal_vote"),
    path("proposals/<int:proposal_id>/comment/", views.comment, name="proposal_comment"),
    path("proposals/<int:proposal_id>/publish/", views.publish, name="proposal_publish"),
    path("proposals/<int:proposal_id>/appeal/", views.appeal, name="proposal_appeal"),
    path(
        "proposals/<int:proposal_id>/statement/",
        views.candidate_statement,
        name="candidate_statement",
    ),
    path("proposals/<int:proposal_id>/outcome/", views.outcome_statement, name="outcome_statement"),
    path("results/", views.results, name="results"),
    path("proposals/notices/read/", views.mark_notices_read, name="mark_notices_read"),
    path("proposals/delegate/", views.delegate, name="delegate_votes"),
    path("proposals/delegate/revoke/", views.revoke, name="revoke_delegation"),
]
