from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from yorozu.core.files import stored_file_response

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
    if job.status != Job.Status.DONE:
        raise Http404
    # Streamed from the storage through this view, which checked the user above.
    extension = job.result_name.rpartition(".")[2] or "bin"
    return stored_file_response(job.result, filename=job.result_name,
                                fallback=f"job-{job.pk}.{extension}")
