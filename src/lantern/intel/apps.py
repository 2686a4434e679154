from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "lantern.intel"
    label = "intel"
    verbose_name = "Intelligence"
