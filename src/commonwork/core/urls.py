from django.urls import path

from commonwork.core import views

urlpatterns = [
    path("", views.landing, name="landing"),
]
