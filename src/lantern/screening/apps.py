from django.apps import AppConfig

from lantern.people.signals import person_merged, person_unmerged


class ScreeningConfig(AppConfig):
    name = "lantern.screening"
    label = "screening"
    verbose_name = "CSE screening"

    def ready(self) -> None:
        from lantern.cases.signals import missing_recorded  # noqa: PLC0415 - signals of apps loaded by now
        from lantern.intel.signals import report_links_changed  # noqa: PLC0415
        from lantern.screening import receivers  # noqa: PLC0415 - it imports models, loadable only once apps are ready

        missing_recorded.connect(receivers.screen_missing, dispatch_uid="screening_missing")
        report_links_changed.connect(receivers.screen_report, dispatch_uid="screening_report")
        person_merged.connect(receivers.screening_follows_merge, dispatch_uid="screening_follows_merge")
        person_unmerged.connect(receivers.screening_follows_unmerge, dispatch_uid="screening_follows_unmerge")
