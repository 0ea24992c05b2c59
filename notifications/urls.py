from django.urls import path

from common.exports import export_paths
from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    *export_paths("list", views.NotificationExportView, csv_name="list_csv", xlsx_name="list_xlsx"),
    path("preferences/", views.preferences, name="preferences"),
    path("read/", views.notification_mark_read, name="mark_read"),
]
