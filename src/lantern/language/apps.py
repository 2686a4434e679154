from django.apps import AppConfig


class LanguageConfig(AppConfig):
    name = "lantern.language"
    label = "language"
    verbose_name = "Language guide (victim-blaming language)"
