from django.apps import AppConfig, apps


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from common.choices import speed_up_choice_displays

        speed_up_choice_displays(apps.get_models(include_auto_created=True))
