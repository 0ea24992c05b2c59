from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/token/", views.token_regenerate, name="token_regenerate"),
    path("accounts/profile/token/revoke/", views.token_revoke, name="token_revoke"),
]
