from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: home and landing pages, navigation, the job table, demo, URLs."""

    name = "commonwork.site"
    label = "site"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from commonwork.site.throttle import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="commonwork-audit-lockout")
