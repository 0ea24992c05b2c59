from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo installation: the `seed_demo` command, which puts together each app's demo
    data. It sits above every other app; none imports it."""

    name = "demo"
