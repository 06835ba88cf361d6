from django.urls import path

from commonwork.observatory import views

urlpatterns = [
    path("observatory/", views.observatory, name="observatory"),
    path("observatory/me/", views.my_figures, name="my_figures"),
    path("fairwork/", views.fairwork, name="fairwork"),
    path("fairwork/assess/", views.assess, name="fairwork_assess"),
    path("observatory/costs/", views.cost_tables, name="cost_tables"),
    path("observatory/costs/wages/", views.set_wage, name="cost_tables_wage"),
    path("observatory/costs/vehicles/", views.set_cost, name="cost_tables_vehicle"),
    path("fairwork/declare/", views.declare, name="equity_declare"),
    path("fairwork/publish/", views.publish, name="equity_publish"),
]
