from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import views

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
