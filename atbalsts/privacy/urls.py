from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("registrs/", views.record, name="record"),
    path("registrs.pdf", views.record_pdf, name="record_pdf"),
]
