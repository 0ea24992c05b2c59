"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular)."""

from config.settings.security import TRUSTED_PROXY_COUNT

# --- REST API ---------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A token first, so that an anonymous call gets 401 with WWW-Authenticate, not 403:
        # personal access tokens (rpt_…, scoped and expiring), then the older single token.
        "integrations.api_auth.AccessTokenAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api_permissions.IsAuthenticatedWithSecondFactor"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    # DRF's parsers, with JSON nested too deeply a 400 (common.parsers.JSONParser).
    "DEFAULT_PARSER_CLASSES": [
        "common.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "common.api_filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    # 429 with Retry-After past these (common.api_throttling): 1200 calls a minute per signed-in
    # person (token or session), far above what a person or a well-behaved script makes; 60 a
    # minute per client address for calls without valid credentials (anonymous, a wrong token);
    # 600 a minute per personal access token.
    "DEFAULT_THROTTLE_CLASSES": [
        "common.api_throttling.UserThrottle",
        "common.api_throttling.TokenThrottle",
        "common.api_throttling.AddressThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min", "token": "600/min"},
    # The client address is the one the last of these proxies saw (as for the login limit).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Rapport API",
    "DESCRIPTION": "Client-facing project management. Every list is scoped to what you may see.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page obey the API's default rule (signed in, second factor).
    "SERVE_PERMISSIONS": ["accounts.api_permissions.IsAuthenticatedWithSecondFactor"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # What a response holds depends on who asks (a client gets fewer fields than the team), so
    # read-only fields are documented as present when they apply, not as always required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    # Every operation documents the errors it may answer, with their body.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api_schema.document_errors",
        "common.api_schema.close_request_bodies",
        # An example request and response on every operation that has none of its own.
        "common.api_examples.add_examples",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MilestoneStatusEnum": "projects.models.Milestone.Status",
        "DeliverableStatusEnum": "projects.models.Deliverable.Status",
        "ObjectiveStatusEnum": "projects.models.Objective.Status",
        "PhaseEnum": "projects.models.Phase",
        "HealthStatusEnum": "projects.models.HealthStatus",
        "TaskStatusEnum": "projects.models.Task.Status",
        "TaskDependencyKindEnum": "projects.models.TaskDependency.Kind",
        "RequirementStatusEnum": "stakeholders.models.Requirement.Status",
        "ChangeRequestStatusEnum": "stakeholders.models.ChangeRequest.Status",
        "ChangeRequestSideEnum": "stakeholders.models.ChangeRequest.Side",
        "VisibilityEnum": "projects.models.Visibility",
        "NotificationChannelEnum": "notifications.models.Channel",
        "DiscussionEntryKindEnum": "discussions.models.Entry.Kind",
        "RiskCategoryEnum": "risks.models.Category",
        "LessonCategoryEnum": "lessons.models.Category",
        "CloseoutPointEnum": "closeout.models.Point",
        "CostEntryCategoryEnum": "projects.models.costs.CostEntry.Category",
        "BaselineSourceEnum": "projects.api.baselines.BASELINE_SOURCES",
        # Named before a baseline's `source` came: a requirement's keeps its name.
        "SourceEnum": "stakeholders.models.Requirement.Source",
        # Risk levels and ticket severities share their values: one enum, low to critical.
        "LevelEnum": "risks.models.Level",
        "RiskStrategyEnum": "risks.models.Strategy",
        "RiskStatusEnum": "risks.models.Risk.Status",
        "RiskIssueStatusEnum": "risks.models.Issue.Status",
        "SurveyQuestionKindEnum": "feedback.models.QuestionKind",
        "SurveyCampaignTriggerEnum": "feedback.models.CampaignTrigger",
        "ReportTriggerEnum": "reports.models.Report.Trigger",
        "FeedbackTicketStatusEnum": "feedback.models.TicketStatus",
        "FeedbackTicketKindEnum": "feedback.models.TicketKind",
        "InteractionKindEnum": "feedback.models.Interaction.Kind",
        "OpportunityStageEnum": "feedback.models.Opportunity.Stage",
    },
}
