from django.urls import path

from . import views

app_name = "addresses"

urlpatterns = [
    path("meklet/", views.search, name="search"),
]
