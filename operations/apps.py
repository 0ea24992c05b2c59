from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from celery.signals import task_success

        from notifications.signals import outbox_message_failed
        from operations.receivers import record_periodic_success, tell_staff_admins_of_failure

        task_success.connect(record_periodic_success, dispatch_uid="operations.periodic_success")
        outbox_message_failed.connect(
            tell_staff_admins_of_failure, dispatch_uid="operations.tell_staff_admins_of_failure"
        )
