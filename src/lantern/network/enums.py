from django.db import models


class NodeKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADULT = "adult", "Adult of concern"
    PHONE = "phone", "Phone"
    VEHICLE = "vehicle", "Vehicle"
    PLACE = "place", "Place"
    REPORT = "report", "Intelligence report"


class LinkKind(models.TextChoices):
    MENTIONED = "mentioned", "Named in the same intelligence report"
    PHONE = "phone", "Uses the phone"
    VEHICLE = "vehicle", "Seen with the vehicle"
    PLACE = "place", "Seen at the place"
    ASSOCIATION = "association", "Recorded association"


class EvidenceKind(models.TextChoices):
    RECORD = "agency_record", "Agency record"
    REPORT = "intel_report", "Intelligence report"
    ASSOCIATION = "association", "Recorded association"


class AssociationKind(models.TextChoices):
    SEEN_TOGETHER = "seen_together", "Seen together"
    ASSOCIATE = "associate", "Known associate"
    RELATIVE = "relative", "Relative"
    ONLINE = "online", "In contact online or by phone"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


ACTIVE_BUILD_STATUSES = (BuildStatus.QUEUED, BuildStatus.RUNNING)

MAX_HOPS = 3
