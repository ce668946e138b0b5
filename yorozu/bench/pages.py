"""The pages each role uses daily, with the people and records they are opened for: for the
bench, Tokyo, the largest hub, and its busiest coordinator; for the load run (load.py), every
coordinator it logs in."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

from consultations.models import Case, Session, Topic
from hubs.models import Hub
from yorozu.core import fiscal

HUB = "13"
SUMMARY = "ベンチマークの相談記録。"  # what the timed saves write: how they are found again
DOMAIN = "scale.example.jp"


@dataclass
class Page:
    name: str
    user: str  # email of the person who opens it
    path: str
    form: dict | None = None  # a POST: the form it sends (the CSRF token is added)
    expect: int = 200
    queries: int = 0  # measured in-process
    latencies: list[float] = field(default_factory=list)


def cast() -> dict:
    User = get_user_model()
    hub = Hub.objects.get(jis_code=HUB)
    coordinator = (User.objects.filter(led_cases__hub=hub).annotate(n=Count("led_cases"))
                   .order_by("-n", "pk").first())
    return cast_around(hub=hub, coordinator=coordinator)


def cast_around(*, hub: Hub, coordinator) -> dict:
    """The people of `hub`, with `coordinator` and two of their open cases."""
    open_cases = Case.objects.filter(hub=hub, lead=coordinator, status=Case.Status.OPEN)
    case = open_cases.order_by("-opened_on", "-pk").first()
    # The quick log's saves go to another case: the one whose page is timed keeps its size
    # from run to run.
    saved_to = open_cases.order_by("opened_on", "pk").first()
    return {"hub": hub, "coordinator": coordinator, "case": case, "saved_to": saved_to,
            "chief": f"chief.{hub.jis_code}@{DOMAIN}",
            "bureau": f"bureau1.{hub.bureau.code}@{DOMAIN}", "hq": f"hq1@{DOMAIN}"}


def daily_pages(people: dict) -> list[Page]:
    case = people["case"]
    coordinator = people["coordinator"].email
    hub = people["hub"].jis_code
    year = fiscal.current_fiscal_year()
    start = fiscal.fiscal_year_start(year)
    cases = reverse("consultations:case_list", args=[hub])
    topic = Topic.objects.order_by("pk").first()
    return [
        Page("floor (base template + 1 pk query)", coordinator, reverse("bench_floor")),
        Page("coordinator home", coordinator, reverse("home")),
        Page("case list", coordinator, f"{cases}?sort=-opened_on"),
        Page("case list, by period", coordinator,
             f"{cases}?since={start.isoformat()}&until={fiscal.today().isoformat()}"),
        Page("case list, by topic", coordinator, f"{cases}?topic={topic.pk}"),
        Page("case list, page 50", coordinator, f"{cases}?sort=-opened_on&page=50"),
        Page("client search", coordinator,
             reverse("consultations:client_search", args=[hub]) + "?" + urlencode({"q": "山田"})),
        Page("case detail", coordinator, reverse("consultations:case_detail", args=[case.pk])),
        Page("client page", coordinator,
             reverse("consultations:client_detail", args=[case.client_id])),
        Page("follow-ups", coordinator, reverse("consultations:followups", args=[hub])),
        Page("quick log", coordinator, reverse("consultations:quick_log", args=[hub])),
        Page("quick log, save", coordinator, reverse("consultations:quick_log", args=[hub]),
             form=_quick_log(people["saved_to"], people["coordinator"]), expect=302),
        Page("chief: hub page", people["chief"], reverse("hubs:hub_detail", args=[hub])),
        Page("chief: satisfaction", people["chief"],
             reverse("surveys:satisfaction_results", args=[hub])),
        Page("chief: plan against actual", people["chief"],
             reverse("plans:plan_dashboard_hub", args=[hub])),
        Page("bureau home", people["bureau"], reverse("home")),
        Page("bureau: plan against actual", people["bureau"],
             reverse("plans:plan_dashboard_bureau")),
        Page("HQ home", people["hq"], reverse("home")),
        Page("HQ: national heat map", people["hq"], reverse("evaluation:national")),
        Page("HQ: national plan against actual", people["hq"],
             reverse("plans:plan_dashboard_national")),
        Page("HQ: hub list", people["hq"], reverse("hubs:hub_list")),
    ]


def _quick_log(case: Case, coordinator) -> dict:
    """Another session on an open case: the coordinator's most frequent save."""
    return {"target": f"case:{case.pk}", "session-held_on": fiscal.today().isoformat(),
            "session-start_time": "", "session-duration_minutes": "60",
            "session-channel": "visit", "session-coordinators": [str(coordinator.pk)],
            "session-summary": SUMMARY, "session-proposal": "",
            "session-next_step": "", "session-next_step_due": ""}


def saves_undo() -> int:
    """Deletes the sessions the timed saves added (by their summary), one at a time through
    the ORM so that every figure kept with them follows. Run before and after the bench and
    the load run: left in place, each run timed the save on a case grown by the runs before
    it (874 sessions after four bench runs, its refresh of the case's figures 10 ms longer)."""
    undone = 0
    for session in Session.objects.filter(summary=SUMMARY).iterator():
        session.delete()
        undone += 1
    return undone
