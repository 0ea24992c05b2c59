from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from lessons.models import Lesson


@admin.register(Lesson)
class LessonAdmin(SimpleHistoryAdmin):
    list_display = ["title", "project", "client", "category", "side", "visibility"]
    list_filter = ["category", "side", "visibility", "phase"]
    search_fields = ["title"]
    raw_id_fields = ["project", "client", "author"]
