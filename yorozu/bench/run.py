"""The bench run: gunicorn with the bench settings (production's, see
yorozu/settings/bench.py) serving the loaded database; each page requested in turn, one
request at a time over a kept-alive connection, as the logged-in person; latencies to
p50/p95; each page's query count measured once in-process. The report jobs are timed
in-process (reports.py); both tables are written to var/bench/."""

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .pages import Page, cast, daily_pages, saves_undo

HOST = "localhost"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The floor is timed again between every page's requests (one in FLOOR_EVERY), so that its
# p95, which every page's ratio divides by, is taken over the whole run: a machine that is
# slower for a minute (another process, the host) moves the floor with the pages it slows.
FLOOR_EVERY = 4


def logged_in_cookies(user) -> str:
    """A session for `user` in the server's session store, as the browser's cookie header."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# The access log's line ends with the microseconds the worker spent on the request: set
# against what the client measured, a slow answer shows whether it waited for a free worker or
# was slow in one (docs/performance.md, load runs).
ACCESS_LOG_FORMAT = '%(p)s %(t)s "%(r)s" %(s)s %(D)s'


class Server:
    def __init__(self, *, port: int, workers: int, log: Path):
        # Said plainly rather than timed out on: a server already on the port would answer
        # the health check (or not) in gunicorn's place.
        with socket.socket() as probe:
            # As gunicorn binds: connections of an earlier run waiting out TIME_WAIT are no
            # obstacle, a program listening there is.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError as error:
                raise CommandError(f"Port {port} is in use by another program ({error}): stop "
                                   "it, or choose another port with --port.") from error
        self.port, self.log = port, log
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yorozu.settings.bench"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "yorozu.wsgi:application", "--workers",
             str(workers), "--bind", f"127.0.0.1:{port}", "--access-logfile", "-",
             "--access-logformat", ACCESS_LOG_FORMAT],
            env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-10:])
                raise CommandError(f"gunicorn stopped (exit {self.process.returncode}); the "
                                   f"end of {self.log}:\n{tail}")
            try:
                connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection_.request("GET", "/healthz/", headers={"Host": HOST})
                if connection_.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise CommandError(f"gunicorn did not answer /healthz/ within {timeout:.0f} s: see "
                           f"{self.log}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


class Browser:
    """One person's kept-alive connection, sending what the documented proxy adds."""

    def __init__(self, port: int, cookies: str):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = cookies

    def request(self, page: Page) -> tuple[int, float, bytes]:
        body = None
        if page.form is not None:  # the form's page first, as a browser would have it
            body = urlencode({**page.form, "csrfmiddlewaretoken": self._csrf(page.path)},
                             doseq=True)
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Cookie": self.cookies}
        if body is not None:
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://{HOST}", "Referer": f"https://{HOST}{page.path}"})
        started = time.perf_counter()
        self.connection.request("POST" if body else "GET", page.path, body=body,
                                headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        return response.status, time.perf_counter() - started, content

    def _csrf(self, path: str) -> str:
        self.connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https",
                                                      "Cookie": self.cookies})
        response = self.connection.getresponse()
        content = response.read().decode()
        for header, value in response.getheaders():
            if (header.lower() == "set-cookie" and value.startswith(settings.CSRF_COOKIE_NAME)
                    and settings.CSRF_COOKIE_NAME not in self.cookies):
                self.cookies += "; " + value.split(";", 1)[0]
        return CSRF_FIELD.search(content).group(1)


def query_count(page: Page, user) -> int:
    """The queries of one request for `page` in this process; a page that answers otherwise
    than it does under gunicorn (an error, a redirect to the login) would give another
    page's count."""
    client = Client()
    client.force_login(user)
    method = client.post if page.form is not None else client.get
    with CaptureQueriesContext(connection) as queries:
        response = method(page.path, page.form or {}, secure=True, HTTP_HOST=HOST)
    _check(page, response.status_code)
    return len(queries)


def _check(page: Page, status: int) -> None:
    if status != page.expect:
        raise RuntimeError(f"{page.name}: {page.path} answered {status}")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def bench_pages(*, requests: int, port: int, workers: int, out: Path,
                report=print, only_pages: list[str] | None = None) -> list[Page]:
    """Every daily page, or those whose names contain one of `only_pages` (the floor always:
    it is each page's measure)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    report(f"sessions of earlier timed saves removed: {saves_undo():,}")
    people = cast()
    floor, *pages = daily_pages(people)
    pages = [floor, *(page for page in pages
                      if not only_pages or any(name in page.name for name in only_pages))]
    users = {page.user: User.objects.get(email=page.user) for page in pages}
    cookies = {email: logged_in_cookies(user) for email, user in users.items()}
    out.mkdir(parents=True, exist_ok=True)
    server = Server(port=port, workers=workers, log=out / "gunicorn.log")
    try:
        server.wait()
        floor = pages[0]
        floor_browser = Browser(port, cookies[floor.user])
        for page in pages:
            browser = Browser(port, cookies[page.user])
            for number in range(requests + 5):  # five to warm the workers' caches
                status, seconds, _content = browser.request(page)
                _check(page, status)
                if number >= 5:
                    page.latencies.append(seconds * 1000)
                if number >= 5 and page is not floor and number % FLOOR_EVERY == 0:
                    floor.latencies.append(_timed(floor_browser, floor))
            page.queries = query_count(page, users[page.user])
            report(_line(page, pages[0]))
    finally:
        server.stop()
        report(f"sessions of the timed saves removed: {saves_undo():,}")
    return pages


def _timed(browser: Browser, page: Page) -> float:
    status, seconds, _content = browser.request(page)
    _check(page, status)
    return seconds * 1000


def _line(page: Page, floor: Page) -> str:
    p50, p95 = percentile(page.latencies, 0.5), percentile(page.latencies, 0.95)
    ratio = p95 / percentile(floor.latencies, 0.95)
    return f"{page.name:<38} {p50:7.1f} {p95:7.1f} {page.queries:4d} {ratio:6.1f}×"


def page_rows(pages: list[Page]) -> list[dict]:
    if not pages:
        return []
    floor_p95 = percentile(pages[0].latencies, 0.95)
    return [{"page": page.name, "path": page.path, "p50_ms": round(statistics.median(
        page.latencies), 1), "p95_ms": round(percentile(page.latencies, 0.95), 1),
        "queries": page.queries, "ratio_to_floor": round(percentile(page.latencies, 0.95)
                                                         / floor_p95, 2)}
        for page in pages]


def write_results(out: Path, *, pages: list[dict], reports: list[dict], settings_: dict,
                  load_average) -> dict:
    """The run's tables as var/bench/bench-<time>.json and .md: the pages against the
    logged-in floor, then the report jobs against their SQL floor."""
    result = {"when": datetime.now().isoformat(timespec="seconds"), **settings_,
              "load_average": load_average, "pages": pages, "reports": reports}
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-{stamp}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    lines = [" ".join(filter(None, [f"Bench run {result['when']}.", settings_.get("database"),
                                    settings_.get("cpu"),
                                    f"Load average at the end: {load_average}."])), ""]
    if pages:
        lines += ["| page | p50 ms | p95 ms | queries | p95 / floor |",
                  "|---|---:|---:|---:|---:|"]
        lines += [f"| {r['page']} | {r['p50_ms']} | {r['p95_ms']} | {r['queries']} | "
                  f"{r['ratio_to_floor']} |" for r in pages]
    if reports:
        lines += [""] if pages else []
        lines += ["| report | job ms | SQL floor ms | job / floor |", "|---|---:|---:|---:|"]
        lines += [f"| {r['report']} | {r['job_ms']} | {r['floor_ms']} | "
                  f"{r['ratio_to_floor']} |" for r in reports]
    (out / f"bench-{stamp}.md").write_text("\n".join(lines) + "\n")
    return result
