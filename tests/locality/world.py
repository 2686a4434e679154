"""A small borough to profile: three wards (Ashby Marsh, Brindle, Crowfield) and their LSOAs, a year's
indicators, intelligence reports, and children's missing episodes by home postcode. Counts are chosen so the
suppression rules all come into play for a viewer without small numbers:

- intelligence this month: Ashby Marsh 12, Brindle 3 (small), Crowfield 0, one report placed in no ward;
  Ashby Marsh's 12 must then be hidden too, or 15 - 3 would give Brindle's away;
- missing episodes this month: Ashby Marsh 7, Brindle 2 and Crowfield 1 (both small; two hidden in the line);
- conceptions under 18 by LSOA: 1 and 3 are small, so their neighbours in the same ward are hidden too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from lantern.accounts.models import User
from lantern.cases.models import Case, MissingEpisode
from lantern.demo.generator import ensure_organisation
from lantern.intel.services import report_submit
from lantern.locality.imports import boundaries_import, indicator_values_import
from lantern.locality.models import Area
from lantern.people.models import Address, Person, Place
from tests.factories import PersonFactory, RecordFactory
from tests.locality.conftest import data

SECTORS = {"Ashby Marsh": "KM1 1", "Brindle": "KM1 2", "Crowfield": "KM1 3"}
INTEL = {"Ashby Marsh": 12, "Brindle": 3, "Crowfield": 0}
MISSING = {"Ashby Marsh": 7, "Brindle": 2, "Crowfield": 1}
PLACE = "The Golden Fry takeaway"
CHILD_FAMILY_NAME = "Zzqlocalitychild"  # a name to look for in responses: it must never appear


@dataclass
class World:
    wards: dict[str, Area]
    today: dt.date
    children: list[Person] = field(default_factory=list)
    place: Place | None = None


def build_world() -> World:
    for name in ("wards.geojson", "lsoas.geojson"):
        assert not boundaries_import(actor=None, data=data(name), filename=name).errors
    assert not indicator_values_import(actor=None, data=data("indicators.csv"), filename="indicators.csv").errors
    wards = {ward.name: ward for ward in Area.objects.wards()}
    for name, sector in SECTORS.items():
        wards[name].postcode_sectors = [sector]
        wards[name].save(update_fields=["postcode_sectors"])
    agencies = ensure_organisation()
    today = timezone.localdate()
    world = World(wards=wards, today=today)
    youth = User.objects.get(username="youth1")
    world.place = Place.objects.create(name=PLACE, kind="takeaway", ward=wards["Ashby Marsh"])
    first = today.replace(day=1)
    for name, count in INTEL.items():
        for index in range(count):
            report_submit(
                actor=youth, what=f"Older men seen with girls, report {index}.", occurred_on=first,
                knowledge="seen", urgency="information", location_text=f"{name} high street",
                ward_id=wards[name].pk, place_id=world.place.pk if name == "Ashby Marsh" and index < 4 else None,
            )  # fmt: skip
    report_submit(
        actor=youth, what="Cars outside a house, place not known.", occurred_on=first, knowledge="rumour",
        urgency="information", location_text="somewhere",
    )  # fmt: skip
    csc = agencies["csc"]
    postcodes = {"Ashby Marsh": "KM1 1AA", "Brindle": "KM1 2AB", "Crowfield": "KM1 3AD"}
    moment = timezone.make_aware(dt.datetime.combine(first, dt.time(21)))
    for name, episodes in MISSING.items():
        child = PersonFactory(owning_agency=csc, family_name=CHILD_FAMILY_NAME, given_name=f"Child{name[:3]}")
        if name == "Crowfield":
            # An older record still has an Ashby Marsh address: the latest record's address is the home.
            old = RecordFactory(person=child, agency=csc, recorded_at=timezone.now() - dt.timedelta(days=400))
            Address.objects.create(record=old, postcode=postcodes["Ashby Marsh"])
        record = RecordFactory(person=child, agency=csc)
        Address.objects.create(record=record, postcode=postcodes[name])
        case = Case.objects.create(child=child, agency=csc)
        for index in range(episodes):
            MissingEpisode.objects.create(case=case, missing_from=moment + dt.timedelta(hours=index))
        world.children.append(child)
    nowhere = PersonFactory(owning_agency=csc, family_name=CHILD_FAMILY_NAME, given_name="ChildNoAddress")
    case = Case.objects.create(child=nowhere, agency=csc)
    MissingEpisode.objects.create(case=case, missing_from=moment)
    world.children.append(nowhere)
    return world
