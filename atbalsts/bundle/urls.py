from django.urls import path

from . import views

app_name = "bundle"

urlpatterns = [
    path("", views.bundle_page, name="import"),
    path("progress/<str:token>/", views.import_progress, name="progress"),
    path("runs/", views.import_runs, name="runs"),
]
