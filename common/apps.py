from django.apps import AppConfig, apps


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from common.choices import speed_up_choice_displays
        from common.database import add_sqlite_functions

        speed_up_choice_displays(apps.get_models(include_auto_created=True))
        connection_created.connect(add_sqlite_functions, dispatch_uid="rapport-sqlite-functions")
