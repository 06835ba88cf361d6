from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "commonwork.ledger"
    label = "ledger"
