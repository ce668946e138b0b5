"""`make bench` divides each page's p95 by the floor's: the floor is timed again between
every page's requests, so that its p95 is taken over the whole run, not over its first
minute (yorozu/bench/run.py)."""

import pytest

from tests.hubs.factories import UserFactory
from yorozu.bench import run
from yorozu.bench.pages import Page

pytestmark = pytest.mark.django_db


class FakeServer:
    def __init__(self, **_kwargs):
        pass

    def wait(self):
        pass

    def stop(self):
        pass


def test_the_floor_is_timed_between_every_pages_requests(monkeypatch, tmp_path):
    person = UserFactory()
    floor = Page("floor", person.email, "/floor/")
    pages = [floor, Page("list", person.email, "/list/"), Page("detail", person.email, "/d/")]
    answered = []

    class FakeBrowser:
        def __init__(self, port, cookies):
            pass

        def request(self, page):
            answered.append(page.path)
            return 200, 0.002 if page is floor else 0.040, b""

    monkeypatch.setattr(run, "cast", lambda: {})
    monkeypatch.setattr(run, "daily_pages", lambda people: pages)
    monkeypatch.setattr(run, "Server", FakeServer)
    monkeypatch.setattr(run, "Browser", FakeBrowser)
    monkeypatch.setattr(run, "query_count", lambda page, user: 3)

    run.bench_pages(requests=8, port=0, workers=1, out=tmp_path)

    # Its own 8 timed requests, then one after every FLOOR_EVERY-th timed request of each
    # other page (numbers 5-12 after five warm-ups: 8 and 12), never before the others' warm-up.
    assert run.FLOOR_EVERY == 4
    assert len(floor.latencies) == 8 + 2 * 2
    assert all(latency == pytest.approx(2.0) for latency in floor.latencies)
    assert [len(page.latencies) for page in pages[1:]] == [8, 8]
    list_requests = answered[answered.index("/list/"):answered.index("/d/")]
    assert list_requests[:6] == ["/list/"] * 6 and list_requests.count("/floor/") == 2
    rows = run.page_rows(pages)
    assert [row["ratio_to_floor"] for row in rows] == [1.0, 20.0, 20.0]
