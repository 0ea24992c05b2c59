"""API routes of feedback tickets and client accounts (included under /api/v1/)."""

from rest_framework.routers import SimpleRouter

from feedback.tickets import api

router = SimpleRouter()
router.register(
    r"projects/(?P<project_pk>\d+)/feedback-tickets",
    api.FeedbackTicketViewSet,
    basename="feedback-ticket",
)
router.register(
    r"accounts/(?P<organization_pk>\d+)/interactions",
    api.InteractionViewSet,
    basename="interaction",
)
router.register(
    r"accounts/(?P<organization_pk>\d+)/opportunities",
    api.OpportunityViewSet,
    basename="opportunity",
)

urlpatterns = router.urls
