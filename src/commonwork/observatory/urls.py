from django.urls import path

from commonwork.observatory import views

urlpatterns = [
    path("observatory/", views.observatory, name="observatory"),
    path("observatory/me/", views.my_figures, name="my_figures"),
    path("fairwork/", views.fairwork, name="fairwork"),
    path("fairwork/declare/", views.declare, name="equity_declare"),
    path("fairwork/publish/", views.publish, name="equity_publish"),
]
