from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "commonwork.dispatch"
    label = "dispatch"
