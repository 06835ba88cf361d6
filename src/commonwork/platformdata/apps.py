from django.apps import AppConfig


class PlatformDataConfig(AppConfig):
    name = "commonwork.platformdata"
    verbose_name = "Bring your data"

    def ready(self) -> None:
        from commonwork.commons.units import register_source
        from commonwork.platformdata import personal_data
        from commonwork.platformdata.reading import donated_units

        personal_data.register()
        # What members donate of their imports reaches the commons only as its releases.
        register_source("commons_imports", donated_units)
