from django.apps import AppConfig

from lantern.people.signals import person_merged, person_unmerged


class CasesConfig(AppConfig):
    name = "lantern.cases"
    label = "cases"
    verbose_name = "Cases (statutory workflow)"

    def ready(self) -> None:
        from lantern.cases import receivers  # noqa: PLC0415 - it imports models, loadable only once apps are ready

        person_merged.connect(receivers.cases_follow_merge, dispatch_uid="cases_follow_merge")
        person_unmerged.connect(receivers.cases_follow_unmerge, dispatch_uid="cases_follow_unmerge")
