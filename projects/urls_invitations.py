"""The page an invitation's link opens (mounted at the site's root, outside /projects/)."""

from django.urls import path

from projects.views.invitations import invitation_accept_view

app_name = "invitations"

urlpatterns = [
    path("invitations/<str:token>/", invitation_accept_view, name="accept"),
]
