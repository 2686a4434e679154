from django.apps import AppConfig


class LocalityConfig(AppConfig):
    name = "lantern.locality"
    label = "locality"
    verbose_name = "Localities"
