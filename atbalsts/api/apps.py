"""The JSON API: one router per domain, thin over the services and selectors."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "atbalsts.api"
    label = "api"
    verbose_name = "API"
