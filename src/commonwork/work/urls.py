from django.urls import path

from commonwork.work import views

urlpatterns = [
    path("work/", views.worker_home, name="worker_home"),
    path("work/board/", views.board, name="board"),
    path("work/availability/", views.availability, name="availability"),
    path("offers/<int:offer_id>/<str:answer>/", views.respond_to_offer, name="respond_to_offer"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("tasks/<int:task_id>/dispute/", views.task_dispute, name="task_dispute"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("tasks/<int:task_id>/<str:transition>/", views.task_transition, name="task_transition"),
    path("disputes/<int:dispute_id>/resolve/", views.resolve_dispute, name="resolve_dispute"),
    path("client/", views.client_home, name="client_home"),
    path("client/projects/", views.create_project, name="create_project"),
    path("client/tasks/", views.post_task, name="post_task"),
]
