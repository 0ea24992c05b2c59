from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation_accept"),
    path("clients/", views.ClientListView.as_view(), name="client_list"),
    path("clients/<int:organization_id>/", views.ClientDetailView.as_view(), name="client_detail"),
]
