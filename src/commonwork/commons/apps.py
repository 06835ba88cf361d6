from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "commonwork.commons"
    verbose_name = "Data commons"
