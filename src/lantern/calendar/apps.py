from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "lantern.calendar"
    label = "lantern_calendar"
    verbose_name = "Calendar"
