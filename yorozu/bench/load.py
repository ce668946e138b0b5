"""The load run (`make load`): many coordinators at once against the bench's server.

The bench's gunicorn (run.Server) serves the loaded database; coordinators of every hub are
logged in server-side (run.logged_in_cookies) and their pages are the bench's own
(pages.daily_pages), weighted by MIX. locust plays them (locustfile.py) in a process of its
own, because it patches the standard library for gevent as it is imported. Two runs: many
users who think between pages, and fewer who do not (closed loop). Every request is recorded;
the figures (throughput, p50, p95, p99, per page, errors) are worked out here and written to
var/bench/load-<time>.md and .json."""

import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import zip_longest
from pathlib import Path

from django.conf import settings
from django.db.models import Exists, OuterRef

from consultations.models import Case
from hubs.models import Appointment
from hubs.roles import Role

from .pages import Page, cast_around, daily_pages, saves_undo
from .run import HOST, Browser, Server, logged_in_cookies, percentile
from .warm import cpu_reference, database_in_memory

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# A coordinator's working day, as shares of 100 actions: the home page and the case list
# most, a case and its client, searches and follow-ups; one action in ten saves a session in
# the quick log (three requests: the quick log, the save, the case page it leads to).
MIX = {"coordinator home": 10, "case list": 15, "case list, by period": 5,
       "case list, by topic": 5, "case list, page 50": 5, "case detail": 15,
       "client page": 5, "client search": 10, "follow-ups": 10, "quick log": 10,
       "quick log, save": 10}
# Before this work, 50 closed-loop coordinators on the same machine (issue "National scale").
BEFORE = "22-35 req/s, p95 2,000-2,800 ms"


@dataclass(frozen=True)
class Run:
    name: str
    user_class: str  # in locustfile.py
    users: int
    seconds: int
    spawn_rate: float  # users started a second
    p95_target_ms: float | None = None


def runs(*, users: int, seconds: int, closed_users: int, closed_seconds: int) -> list[Run]:
    """The open-ish run ramps up over about one think time, so its first requests come
    spread out as its later ones do; the closed loop starts everyone at once."""
    made = []
    if users:
        made.append(Run("thinking 5-15 s", "Thinking", users, seconds,
                        spawn_rate=max(1.0, users / 10), p95_target_ms=300))
    if closed_users:
        made.append(Run("closed loop", "ClosedLoop", closed_users, closed_seconds,
                        spawn_rate=float(closed_users)))
    return made


def coordinators(*, count: int) -> list[Appointment]:
    """Up to `count` coordinators appointed today who lead an open case at their hub, taken
    from each hub in turn: the first of every hub, then the second of every hub, and so on."""
    appointed = (Appointment.objects.active()
                 .filter(role=Role.COORDINATOR)
                 .filter(Exists(Case.objects.filter(lead=OuterRef("user"), hub=OuterRef("hub"),
                                                    status=Case.Status.OPEN)))
                 .select_related("user", "hub__bureau").order_by("hub__jis_code", "user_id"))
    by_hub = defaultdict(list)
    for appointment in appointed:
        by_hub[appointment.hub.jis_code].append(appointment)
    in_turn = [one for rank in zip_longest(*by_hub.values()) for one in rank if one]
    return in_turn[:count]


def coordinator_pages(*, appointment: Appointment) -> list[Page]:
    """The bench's pages of this coordinator that the mix weighs, in the mix's order."""
    pages = {page.name: page for page in daily_pages(
        cast_around(hub=appointment.hub, coordinator=appointment.user))}
    missing = set(MIX) - set(pages)
    if missing:
        raise RuntimeError(f"The mix names pages the bench no longer has: {sorted(missing)}")
    return [pages[name] for name in MIX]


def load_plan(*, users: int) -> dict:
    """What locust needs: the headers' host, the CSRF cookie's name, and each person's cookie
    and weighted pages. Fewer people than users when the data has fewer coordinators: locust's
    users then share them in turn."""
    people = []
    for appointment in coordinators(count=users):
        pages = coordinator_pages(appointment=appointment)
        people.append({"email": appointment.user.email, "hub": appointment.hub.jis_code,
                       "cookie": logged_in_cookies(appointment.user),
                       "pages": [_planned(page, pages) for page in pages]})
    if not people:
        raise RuntimeError("No coordinator leads an open case: load the data first.")
    return {"host": HOST, "csrf_cookie": settings.CSRF_COOKIE_NAME, "people": people}


def _planned(page: Page, pages: list[Page]) -> dict:
    """A page as locust plays it; a form also names the page it is filled in on (the GET of
    the same address) and the page its save redirects to, which count as those pages."""
    form_page = next((other.name for other in pages
                      if other.path == page.path and other.form is None), None)
    return {"name": page.name, "path": page.path, "form": page.form, "expect": page.expect,
            "weight": MIX[page.name], "form_page": form_page,
            "redirect_page": "case detail" if page.form is not None else None}


def load(*, runs: list[Run], port: int, workers: int, out: Path, report=print) -> dict:
    report(f"sessions of earlier timed saves removed: {saves_undo():,}")
    warmed = f"{database_in_memory()} {cpu_reference()}"
    report(warmed)
    plan = load_plan(users=max(run.users for run in runs))
    out.mkdir(parents=True, exist_ok=True)
    plan_file = out / "load-plan.json"  # session cookies: removed after the runs
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    report(f"{len(plan['people'])} coordinators logged in, "
           f"{len({person['hub'] for person in plan['people']})} hubs")
    server = Server(port=port, workers=workers, log=out / "gunicorn-load.log")
    try:
        server.wait()
        warm_up(plan, port=port)
        results = []
        for run in runs:
            report(f"{run.name}: {run.users} users for {run.seconds} s ...")
            records, peak_load = locust_run(run=run, plan=plan_file, port=port, out=out)
            results.append(summary(records, run=run, peak_load=peak_load))
            report(text(results[-1]))
    finally:
        server.stop()
        plan_file.unlink(missing_ok=True)
        report(f"sessions of the timed saves removed: {saves_undo():,}")
    return _write(results, out, workers=workers, people=len(plan["people"]), warmed=warmed)


def warm_up(plan: dict, *, port: int) -> None:
    """Each page of the first person, three times, before any timing: the workers' caches
    warm, and a mix that cannot work (a page answering 403, say) stops the run here."""
    person = plan["people"][0]
    browser = Browser(port, person["cookie"])
    for planned in person["pages"]:
        page = Page(planned["name"], person["email"], planned["path"], form=planned["form"],
                    expect=planned["expect"])
        for _ in range(3):
            status, _seconds, _content = browser.request(page)
            if status != page.expect:
                raise RuntimeError(f"{page.name}: {page.path} answered {status}")


def locust_run(*, run: Run, plan: Path, port: int, out: Path) -> tuple[list[dict], float]:
    """locust's records of the run, and the highest 1-minute load average seen during it.
    The records stay in var/bench/load-records-<user class>.json until the next run, to
    set against the server's access log (gunicorn-load.log)."""
    records = out / f"load-records-{run.user_class}.json"
    records.unlink(missing_ok=True)
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), run.user_class,
               "--headless", "--users", str(run.users), "--spawn-rate", str(run.spawn_rate),
               "--run-time", f"{run.seconds}s", "--host", f"http://127.0.0.1:{port}",
               "--only-summary", "--loglevel", "WARNING"]
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_RECORDS": str(records)}
    log = out / f"locust-{run.user_class}.log"
    peak = 0.0
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak = max(peak, os.getloadavg()[0])
            time.sleep(1)
    if not records.exists():
        raise RuntimeError(f"locust stopped without its records (exit {process.returncode}); "
                           f"see {log}")
    return json.loads(records.read_text()), peak


def summary(records: list[dict], *, run: Run, peak_load: float) -> dict:
    """The run's figures from its records; an error is any request that failed or answered
    another status than its page's own."""
    if not records:
        raise RuntimeError(f"{run.name}: no request was made")
    started = min(record["start"] for record in records)
    ended = max(record["start"] + record["ms"] / 1000 for record in records)
    errors = Counter(f"{record['name']}: {record['error']}" for record in records
                     if record["error"])
    p95 = percentile([record["ms"] for record in records], 0.95)
    return {
        "run": asdict(run), **_figures(records), "errors": sum(errors.values()),
        "error_kinds": dict(errors.most_common()),
        "seconds": round(ended - started, 1),
        "throughput_rps": round(len(records) / max(ended - started, 0.001), 1),
        "pages": {name: _figures(of_page) for name, of_page in _by_page(records).items()},
        "peak_load_1min": peak_load, "load_average": os.getloadavg(),
        "passed": not errors and (run.p95_target_ms is None or p95 <= run.p95_target_ms),
    }


def _by_page(records: list[dict]) -> dict[str, list[dict]]:
    pages = defaultdict(list)
    for record in records:
        pages[record["name"]].append(record)
    return dict(sorted(pages.items()))


def _figures(records: list[dict]) -> dict:
    times = [record["ms"] for record in records]
    return {"requests": len(records), "failed": sum(1 for record in records if record["error"]),
            **{f"p{share}_ms": round(percentile(times, share / 100), 1)
               for share in (50, 95, 99)}}


def verdict(result: dict) -> str:
    run = result["run"]
    target = (f"p95 <= {run['p95_target_ms']:.0f} ms and 0 errors"
              if run["p95_target_ms"] is not None else "0 errors")
    return f"{'PASS' if result['passed'] else 'FAIL'} (target: {target})"


def text(result: dict) -> str:
    run = result["run"]
    lines = [f"{run['name']}: {run['users']} users, {result['seconds']} s: "
             f"{result['requests']} requests, {result['errors']} errors, "
             f"{result['throughput_rps']} req/s, p50 {result['p50_ms']} ms, "
             f"p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms",
             f"  {'page':<24} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}"]
    lines += [f"  {name:<24} {page['requests']:>8} {page['failed']:>6} {page['p50_ms']:>7} "
              f"{page['p95_ms']:>7}" for name, page in result["pages"].items()]
    lines += [f"  error: {kind} x{count}" for kind, count in result["error_kinds"].items()]
    if run["p95_target_ms"] is None:
        lines.append(f"  before this work: {BEFORE}")
    lines.append(f"  load average {_load(result)}")
    lines.append(f"  {verdict(result)}")
    return "\n".join(lines)


def _load(result: dict) -> str:
    one, five, fifteen = result["load_average"]
    return (f"at the end {one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min); "
            f"1-min peak {result['peak_load_1min']:.2f}")


def _write(results: list[dict], out: Path, *, workers: int, people: int, warmed: str) -> dict:
    written = {"when": datetime.now().isoformat(timespec="seconds"), "workers": workers,
               "coordinators": people, "database": warmed, "runs": results}
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (out / f"load-{stamp}.json").write_text(json.dumps(written, ensure_ascii=False, indent=1))
    lines = [f"Load run {written['when']}: gunicorn with {workers} workers, {people} "
             f"coordinators logged in. {warmed}", ""]
    for result in results:
        lines += [f"## {result['run']['name']}, {result['run']['users']} users", "",
                  f"{result['requests']} requests in {result['seconds']} s, "
                  f"{result['throughput_rps']} req/s, {result['errors']} errors; p50 "
                  f"{result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} "
                  f"ms. Load average {_load(result)}. {verdict(result)}.", "",
                  "| page | requests | errors | p50 ms | p95 ms | p99 ms |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {name} | {page['requests']} | {page['failed']} | {page['p50_ms']} | "
                  f"{page['p95_ms']} | {page['p99_ms']} |"
                  for name, page in result["pages"].items()]
        lines += [f"- error: {kind} ×{count}" for kind, count in result["error_kinds"].items()]
        lines.append("")
    (out / f"load-{stamp}.md").write_text("\n".join(lines))
    return written
