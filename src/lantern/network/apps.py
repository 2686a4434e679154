from django.apps import AppConfig

from lantern.people.signals import person_merged, person_unmerged, record_parts_changed


class NetworkConfig(AppConfig):
    name = "lantern.network"
    label = "network"
    verbose_name = "Network analysis"

    def ready(self) -> None:
        from lantern.intel.signals import report_links_changed  # noqa: PLC0415 - signals of apps loaded by now
        from lantern.network import receivers  # noqa: PLC0415 - it imports models, loadable only once apps are ready

        report_links_changed.connect(receivers.report_links, dispatch_uid="network_report_links")
        person_merged.connect(receivers.people_links, dispatch_uid="network_merge")
        person_unmerged.connect(receivers.people_links, dispatch_uid="network_unmerge")
        record_parts_changed.connect(receivers.record_links, dispatch_uid="network_record_parts")
