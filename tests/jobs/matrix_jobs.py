"""Permission-matrix rows for the jobs pages (merged into tests/project/test_permission_matrix.py).
Outcomes in role order: anon coordinator chief impl_org bureau hq admin.

The target is a finished hub report job of the own hub (started by the chief) or of another
hub. A job belongs to the data behind it: the hub's staff, its bureau and HQ see and download
it, whoever started it; anyone else gets the 404 of a missing job."""

from django.core.files.base import ContentFile

from yorozu.jobs.models import Job

# The report kind needs the hub's figures (view_hub_aggregates).
JOB_READ = "L 200 200 200 200 200 404"
JOB_OTHER = "L 404 404 404 404 200 404"

ROWS = {
    "jobs:job_list": ("GET", None, "L 200 200 200 200 200 200"),
    "jobs:job_status": ("GET", "job", JOB_READ, JOB_OTHER),
    "jobs:job_download": ("GET", "job", JOB_READ, JOB_OTHER),
}


def _job(cast, which):
    hub, user = (cast.hub, cast.chief) if which == "own" else (cast.other_hub, cast.outsider)
    job = Job.objects.create(kind="report_hub_monthly", scope=Job.Scope.HUB, hub=hub,
                             started_by=user, status=Job.Status.DONE, done=1, total=1,
                             params={"year": 2026, "month": 4})
    job.result.save("report.xlsx", ContentFile(b"PK\x03\x04 test"), save=False)
    Job.objects.filter(pk=job.pk).update(result=job.result.name, result_name="report.xlsx")
    return {"pk": job.pk}


TARGETS = {"job": _job}
