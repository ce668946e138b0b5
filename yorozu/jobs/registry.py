"""The kinds of job. Each module that defines a job registers it here with the permission a
user needs, at the job's hub (or at every hub of its bureau, or everywhere for a national
job), to see it and download what it produced: the same permission as the data behind it."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str  # lazy translation
    perm: str
    run: Callable  # run(job, progress) -> None; must be safe to run again after a crash
    describe: Callable | None = None  # describe(job) -> str, e.g. the month of a report


KINDS: dict[str, JobKind] = {}


def register(name: str, *, label, perm: str, describe: Callable | None = None):
    def decorator(run: Callable) -> Callable:
        KINDS[name] = JobKind(name=name, label=label, perm=perm, run=run, describe=describe)
        return run
    return decorator


def kind_of(job) -> JobKind:
    return KINDS[job.kind]
