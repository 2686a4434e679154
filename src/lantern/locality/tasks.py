"""Background work for localities, run by `lantern db_worker`."""

from __future__ import annotations

from django_tasks import task

from lantern.locality.services import profiles_recompute


@task()
def profiles_recompute_task() -> dict[str, float]:
    """Recompute every profile's figures: enqueued after imports from the web and by a schedule."""
    result = profiles_recompute()
    return {"figures": result.figures, "places": result.places, "seconds": round(result.seconds, 3)}
