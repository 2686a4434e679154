"""What other apps hear of identity decisions. People is upstream of them, so it names no other app: those
that hold rows about a person (a child's cases) move them with a merge and back with an unmerge, and note what
they moved in ``merge.dependents`` under their own key."""

from __future__ import annotations

from django.dispatch import Signal

person_merged = Signal()  # kwargs: kept, absorbed, merge (inside the merge's transaction)
person_unmerged = Signal()  # kwargs: kept, absorbed, merge (inside the unmerge's transaction)
record_parts_changed = Signal()  # kwargs: record (its phones, vehicles and other parts were rewritten)
