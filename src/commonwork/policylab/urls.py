from django.urls import path

from commonwork.policylab import views

urlpatterns = [
    path("lab/", views.lab, name="lab"),
    path("lab/start/", views.start, name="lab_start"),
    path("lab/<int:run_id>/", views.run_detail, name="lab_run"),
    path("lab/<int:run_id>/report.html", views.run_report, name="lab_report"),
    path(
        "proposals/<int:proposal_id>/simulate/", views.simulate_proposal, name="simulate_proposal"
    ),
    path("proposals/<int:proposal_id>/sweep/", views.sweep_proposal, name="sweep_proposal"),
]
