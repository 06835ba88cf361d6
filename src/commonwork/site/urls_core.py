from django.contrib.auth.views import LogoutView
from django.urls import path

from commonwork.site import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("login/", views.CommonworkLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="landing"), name="logout"),
    path("home/", views.home, name="home"),
]
