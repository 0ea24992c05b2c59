from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("branding/logo/<slug:digest>.png", views.branding_logo, name="branding_logo"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/token/", views.token_regenerate, name="token_regenerate"),
    path("accounts/profile/token/revoke/", views.token_revoke, name="token_revoke"),
]
