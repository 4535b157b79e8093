from django.urls import path

from . import views

app_name = "bundle"

urlpatterns = [
    path("", views.bundle_page, name="import"),
]
