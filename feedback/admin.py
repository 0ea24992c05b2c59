"""Admin pages for surveys and the complaint SLA targets (staff admins only, like every admin
page): for support, not for daily work, which goes through the pages and services.

Staff admins set the complaint SLA targets (business hours per severity); without a row a
severity keeps the default of feedback.services.sla.DEFAULT_SLA_TARGETS."""

from __future__ import annotations

from django.contrib import admin

from feedback.models import (
    Campaign,
    DetractorFollowUp,
    SlaTarget,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)


class SurveyQuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default", "is_archived", "created_at"]
    inlines = [SurveyQuestionInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "trigger", "status", "opens_at", "closes_at"]
    list_filter = ["status", "trigger"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "template", "automation", "deliverable", "created_by"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "campaign", "sent_at", "responded_at", "skipped_reason"]
    list_select_related = ["campaign"]
    raw_id_fields = ["campaign", "person"]
    exclude = ["nonce"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["respondent", "project", "nps", "csat", "submitted_at"]
    list_select_related = ["respondent", "project"]
    raw_id_fields = ["invitation", "campaign", "project", "client", "respondent"]


@admin.register(DetractorFollowUp)
class DetractorFollowUpAdmin(admin.ModelAdmin):
    list_display = ["response", "project", "owner", "status", "opened_at", "closed_at"]
    list_select_related = ["project", "owner"]
    raw_id_fields = ["response", "project", "owner", "closed_by"]


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ("severity", "first_response_hours", "resolution_hours")
