from django.urls import path

from commonwork.work import views

urlpatterns = [
    path("work/", views.worker_home, name="worker_home"),
    path("work/board/", views.board, name="board"),
    path("work/availability/", views.availability, name="availability"),
    path("work/location/", views.share_location, name="share_location"),
    path("work/offers/", views.offers_fragment, name="offers_fragment"),
    path("work/preferences/", views.preferences, name="work_preferences"),
    path("work/push/", views.push_subscription, name="push_subscription"),
    path("offers/<int:offer_id>/<str:answer>/", views.respond_to_offer, name="respond_to_offer"),
    path("places/", views.places_search, name="places_search"),
    path("places/reverse/", views.places_reverse, name="places_reverse"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/live/", views.task_live, name="task_live"),
    path("tasks/<int:task_id>/dispute/", views.task_dispute, name="task_dispute"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("tasks/<int:task_id>/deliver/", views.task_deliver, name="task_deliver"),
    path("tasks/<int:task_id>/step/<str:step>/", views.task_step, name="task_step"),
    path("tasks/<int:task_id>/proofs/<int:proof_id>/", views.proof_photo, name="proof_photo"),
    path("tasks/<int:task_id>/<str:transition>/", views.task_transition, name="task_transition"),
    path("disputes/<int:dispute_id>/resolve/", views.resolve_dispute, name="resolve_dispute"),
    path("client/", views.client_home, name="client_home"),
    path("client/projects/", views.create_project, name="create_project"),
    path("client/tasks/", views.post_task, name="post_task"),
]
