from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "commonwork.work"
    label = "work"
