from django.urls import path

from commonwork.ledger import views

urlpatterns = [
    path("money/", views.money_home, name="money_home"),
    path("money/bank/", views.payout_account, name="payout_account"),
    path("money/statements/<int:statement_id>/", views.statement_detail, name="statement"),
    path("money/statements/<int:statement_id>.csv", views.statement_csv, name="statement_csv"),
    path("money/invoices/<int:invoice_id>/", views.invoice_detail, name="invoice"),
    path("tasks/<int:task_id>/tip/", views.tip, name="tip_task"),
    path("books/", views.books, name="books"),
    path("books/close/", views.close_period, name="close_period"),
    path("books/bank/", views.coop_bank_account, name="coop_bank_account"),
    path("books/periods/<int:period_id>/payout/", views.prepare_batch, name="prepare_batch"),
    path("books/payouts/<int:batch_id>/paid/", views.mark_paid, name="mark_batch_paid"),
    path("books/payouts/<int:batch_id>/cancel/", views.cancel_batch, name="cancel_batch"),
    path("books/payouts/<int:batch_id>.<str:fmt>", views.batch_file, name="batch_file"),
    path("transparency/", views.transparency, name="transparency"),
]
