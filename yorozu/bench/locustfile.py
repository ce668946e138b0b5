"""The coordinators of the load run, for locust (`make load`; yorozu/bench/load.py starts it).

The plan comes from the JSON file LOAD_PLAN: each person's session cookie and their pages
with weights, made in-process from the bench's pages. Every request is recorded as it was
(name, start, milliseconds, status, error) and written to LOAD_RECORDS when locust quits:
load.py works out the figures exactly, not from locust's rounded histogram. No Django here:
locust patches the standard library (gevent) as it is imported."""

import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
records: list[dict] = []
turns = itertools.count()


@events.request.add_listener
def _record(*, name, start_time, response_time, response, exception, **_kwargs):
    records.append({"name": name, "start": start_time, "ms": response_time,
                    "status": getattr(response, "status_code", 0) or 0,
                    "error": str(exception) if exception else None})


@events.quitting.add_listener
def _save(**_kwargs):
    Path(os.environ["LOAD_RECORDS"]).write_text(json.dumps(records))


class Coordinator(FastHttpUser):
    """One logged-in coordinator; locust's users take the plan's people in turn."""

    abstract = True

    def on_start(self):
        person = PLAN["people"][next(turns) % len(PLAN["people"])]
        self.cookies = person["cookie"]
        self.pages = person["pages"]
        self.weights = [page["weight"] for page in self.pages]

    @task
    def act(self):
        page = random.choices(self.pages, self.weights)[0]
        if page["form"] is None:
            self.send(page["name"], page["path"], expect=page["expect"])
            return
        # As a browser saves: the form's page first (timed as that page), then the form with
        # its token, then the page the save redirects to (the case's page).
        opened = self.send(page["form_page"], page["path"], expect=200)
        token = CSRF_FIELD.search(opened.text or "") if opened.status_code == 200 else None
        form = {**page["form"], "csrfmiddlewaretoken": token.group(1) if token else ""}
        saved = self.send(page["name"], page["path"], expect=page["expect"], form=form)
        if saved.status_code == 302 and saved.headers.get("location"):
            self.send(page["redirect_page"], saved.headers["location"], expect=200)

    def send(self, name: str, path: str, *, expect: int, form: dict | None = None):
        """One request with the headers the documented proxy adds; any other status than the
        page's own is a failure (a 302 to the login page included)."""
        headers = {"Host": PLAN["host"], "X-Forwarded-Proto": "https", "Cookie": self.cookies}
        if form is not None:
            origin = f"https://{PLAN['host']}"
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": origin, "Referer": origin + path})
        with self.client.request("POST" if form is not None else "GET", path, name=name,
                                 data=urlencode(form, doseq=True) if form is not None else None,
                                 headers=headers, allow_redirects=False,
                                 catch_response=True) as response:
            if response.status_code == expect:
                response.success()
            else:
                response.failure(f"{response.status_code}, expected {expect}")
            self._keep_csrf_cookie(response)
        return response

    def _keep_csrf_cookie(self, response) -> None:
        name = PLAN["csrf_cookie"]
        if response.headers is None or f"{name}=" in self.cookies:
            return
        for value in response.headers.get_all("set-cookie", []):
            if value.startswith(f"{name}="):
                self.cookies += "; " + value.split(";", 1)[0]


class Thinking(Coordinator):
    """The open-ish run: 5 to 15 seconds on each page before the next."""

    wait_time = between(5, 15)


class ClosedLoop(Coordinator):
    """The closed-loop run: the next request as soon as the last one is answered."""

    wait_time = constant(0)
