from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: home and landing pages, navigation, the job table, demo, URLs."""

    name = "commonwork.site"
    label = "site"
