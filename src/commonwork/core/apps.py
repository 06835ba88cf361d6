from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "commonwork.core"
    label = "core"
