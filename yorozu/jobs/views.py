from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from yorozu.core.files import stored_file_response
from yorozu.core.tables import table_for

from . import selectors
from .models import Job
from .tables import JobTable


@require_GET
def job_list(request):
    jobs = selectors.jobs_for_page(user=request.user)
    # The latest jobs of each list (selectors.PAGE_SIZE): one page each, sorted on its own.
    mine = JobTable(jobs["mine"], caption=_("Jobs you started"), exclude=("started_by",),
                    empty_text=_("You have not started any jobs."))
    scheduled = JobTable(jobs["scheduled"], prefix="scheduled-", exclude=("started_by",),
                         caption=_("Jobs run automatically for your hubs"),
                         empty_text=_("No automatic jobs yet."))
    return render(request, "jobs/job_list.html", {
        **jobs, "mine_table": table_for(mine, request, per_page=None),
        "scheduled_table": table_for(scheduled, request, per_page=None)})


@require_GET
def job_status(request, pk):
    """One job's row, polled by htmx every two seconds while the job is unfinished."""
    job = selectors.job_for_user_or_404(user=request.user, pk=pk)
    return render(request, "jobs/_job_progress.html", {"job": job})


@require_GET
def job_download(request, pk):
    job = selectors.job_for_user_or_404(user=request.user, pk=pk)
    if job.status != Job.Status.DONE:
        raise Http404
    # Streamed from the storage through this view, which checked the user above.
    extension = job.result_name.rpartition(".")[2] or "bin"
    return stored_file_response(job.result, filename=job.result_name,
                                fallback=f"job-{job.pk}.{extension}")
