from django.urls import path

from commonwork.dispatch import views

urlpatterns = [
    path("dispatch/rounds/", views.rounds, name="dispatch_rounds"),
    path("work/why/", views.why, name="dispatch_why"),
]
