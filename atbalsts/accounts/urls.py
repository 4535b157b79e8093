from django.contrib.auth import views as auth_views
from django.urls import path

from . import password_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("kontakti/", views.profile, name="profile"),
    path("divpakapju/", views.two_factor, name="two_factor"),
    path("otp/", views.otp_confirm, name="otp_confirm"),
    path("rezerves-kodi/", views.recovery_codes_renew, name="recovery_codes_renew"),
    path("tokens/", views.token_create, name="token_create"),
    path("notifications/", views.notification_preferences, name="notification_preferences"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("parole/", password_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "parole/aizmirsta/",
        password_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "parole/aizmirsta/nosutits/",
        password_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "parole/jauna/<uidb64>/<token>/",
        password_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "parole/jauna/gatavs/",
        password_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
