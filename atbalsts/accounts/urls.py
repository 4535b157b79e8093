from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("otp/", views.otp_confirm, name="otp_confirm"),
    path("tokens/", views.token_create, name="token_create"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
