"""Threads (read-only, with their entries) and discussion entries in the admin."""

from django.contrib import admin

from discussions.models import Entry, Thread


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ["created_at", "author", "kind", "body"]
    readonly_fields = ["created_at", "author", "kind", "body"]
    extra = 0
    can_delete = False


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["pk", "project", "content_type", "object_id", "created_at"]
    list_select_related = ["project", "content_type"]
    readonly_fields = ["project", "content_type", "object_id", "created_at"]
    inlines = [EntryInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author", "kind", "thread"]
    list_filter = ["kind"]
    list_select_related = ["author", "thread"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["thread", "author", "mentions"]
