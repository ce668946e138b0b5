"""Permission-matrix rows for the report pages (merged into
tests/project/test_permission_matrix.py).
Outcomes in role order: anon coordinator chief impl_org bureau hq admin.

A hub's monthly reports are its figures: its staff, its bureau and HQ read the page (and may
ask for a report); another hub's page is a 404, like a missing hub. The national roll-up
covers every hub, so only HQ, which holds the figures permission everywhere, may use it."""

ROWS = {
    "reports:report_hub": ("GET", "reports_hub", "L 200 200 200 200 200 404",
                           "L 404 404 404 404 200 404"),
    "reports:report_national": ("GET", None, "L 403 403 403 403 200 403"),
}


def _hub(cast, which):
    return {"jis_code": (cast.hub if which == "own" else cast.other_hub).jis_code}


TARGETS = {"reports_hub": _hub}
