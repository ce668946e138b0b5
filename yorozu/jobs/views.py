from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from yorozu.core.downloads import content_type_for
from yorozu.core.xlsx import attachment_disposition

from . import selectors
from .models import Job


@require_GET
def job_list(request):
    jobs = selectors.jobs_for_page(user=request.user)
    return render(request, "jobs/job_list.html", {
        **jobs, "polling": any(not j.is_finished for j in jobs["mine"] + jobs["scheduled"])})


@require_GET
def job_status(request, pk):
    """One job's row, polled by htmx every two seconds while the job is unfinished."""
    job = selectors.job_for_user_or_404(user=request.user, pk=pk)
    return render(request, "jobs/_job_progress.html", {"job": job})


@require_GET
def job_download(request, pk):
    job = selectors.job_for_user_or_404(user=request.user, pk=pk)
    if job.status != Job.Status.DONE or not job.result:
        raise Http404
    try:
        handle = job.result.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type_for(job.result_name))
    extension = job.result_name.rpartition(".")[2] or "bin"
    response["Content-Disposition"] = attachment_disposition(job.result_name,
                                                             f"job-{job.pk}.{extension}")
    return response
