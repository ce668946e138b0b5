"""Retention of personal data (個人情報保護法): how long each kind of record keeps it, the yearly
job that anonymises clients past their period and prunes the read log, and a client's own
requests (disclosure, deletion), which the admin's actions serve.

Anonymising keeps every row that is counted: the client, its cases, sessions and referrals stay
with their hub, dates, topics, channel, depth and status, so that every figure (sessions, new
clients, follow-up rates) is the same before and after. What goes is what names or reaches a
person: the client's names, 法人番号, representative, contact person, phone, email,
municipality, and the free texts of cases, sessions and referrals, which may name people. The
change history (django-simple-history) holds the old values too, and is blanked the same way.
A client anonymised once is marked (Client.anonymised_at) and never touched again, so running
twice changes nothing the second time.

The periods are the operator's decision (settings RETENTION_CLIENT_YEARS and
RETENTION_READ_LOG_YEARS, docs/operations.md); the defaults are a starting point only."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from celery import shared_task
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

from hubs.models import Hub
from hubs.roles import VIEW_RECORDS
from yorozu.core import fiscal
from yorozu.jobs.registry import register

from .models import Case, Client, ClientDataAction, PersonalDataRead, Referral, Session
from .services import personal_data_read_log
from .validators import client_name_key

KIND = "retention"
BATCH = 200  # clients per transaction: a crash loses at most one batch, which the rerun redoes

# Sent after clients are anonymised, for records other apps keep about their cases (the
# satisfaction survey's invitations hold the email address): consultations must not import them.
client_anonymised = Signal()  # kwargs: client_ids, case_ids

CLIENT_BLANK = {"name_kana": "", "corporate_number": "", "municipality": "",
                "representative": "", "contact_person": "", "phone": "", "email": "",
                "survey_consent": False}
CASE_TEXTS = ["outcome"]
SESSION_TEXTS = ["summary", "proposal", "next_step"]
REFERRAL_TEXTS = ["reason", "handed_over", "agency_note", "closing_note"]
# Required texts get the placeholder, the others are emptied.
REQUIRED_TEXTS = {"summary", "reason"}


# --- Periods ---------------------------------------------------------------------------------
def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def client_cutoff(today: date) -> date:
    """Clients with no activity on or after this day are past their period."""
    return years_before(today, settings.RETENTION_CLIENT_YEARS)


def read_log_cutoff(today: date) -> date:
    return years_before(today, settings.RETENTION_READ_LOG_YEARS)


# --- What is due -----------------------------------------------------------------------------
def clients_expired(*, today: date) -> QuerySet:
    """Clients not yet anonymised whose last activity (the record's creation, a case opened or
    closed, a session held, a referral sent, reported back or closed) was before the cutoff."""
    cutoff = client_cutoff(today)
    since = _day_start(cutoff)
    case = Case.objects.filter(client=OuterRef("pk"))
    recent_case = case.filter(Q(opened_on__gte=cutoff) | Q(closed_on__gte=cutoff))
    recent_session = Session.objects.filter(case__client=OuterRef("pk"), held_on__gte=cutoff)
    recent_referral = Referral.objects.filter(case__client=OuterRef("pk")).filter(
        Q(created_at__gte=since) | Q(reported_at__gte=since) | Q(closed_at__gte=since))
    return (Client.objects.filter(anonymised_at__isnull=True, created_at__lt=since)
            .exclude(Exists(recent_case)).exclude(Exists(recent_session))
            .exclude(Exists(recent_referral)))


def reads_expired(*, today: date) -> QuerySet:
    return PersonalDataRead.objects.filter(at__lt=_day_start(read_log_cutoff(today)))


@dataclass
class HubCounts:
    """What the run would change at one hub: rows anonymised per kind, read-log rows deleted."""

    hub: Hub
    clients: int = 0
    cases: int = 0
    sessions: int = 0
    referrals: int = 0
    history: int = 0
    reads: int = 0


@dataclass
class Report:
    today: date
    client_cutoff: date
    read_log_cutoff: date
    hubs: list[HubCounts] = field(default_factory=list)

    def total(self, kind: str) -> int:
        return sum(getattr(row, kind) for row in self.hubs)


def _per_hub(queryset: QuerySet, hub_field: str = "hub") -> dict[int, int]:
    rows = queryset.order_by().values(hub_field).annotate(n=Count("pk"))
    return {row[hub_field]: row["n"] for row in rows}


def retention_report(*, today: date) -> Report:
    """The dry run: per hub, how many rows of each kind the run would change. Changes nothing."""
    expired = clients_expired(today=today).values("pk")
    counts = {
        "clients": _per_hub(Client.objects.filter(pk__in=expired)),
        "cases": _per_hub(Case.objects.filter(client__in=expired)),
        "sessions": _per_hub(Session.objects.filter(case__client__in=expired)),
        "referrals": _per_hub(Referral.objects.filter(case__client__in=expired)),
        "reads": _per_hub(reads_expired(today=today)),
    }
    history: dict[int, int] = {}
    for part in (_per_hub(Client.history.filter(id__in=expired)),
                 _per_hub(Case.history.filter(client_id__in=expired)),
                 _per_hub(Session.history.filter(case__client__in=expired)),
                 _per_hub(Referral.history.filter(case__client__in=expired))):
        for hub_id, n in part.items():
            history[hub_id] = history.get(hub_id, 0) + n
    counts["history"] = history
    hub_ids = set().union(*(c.keys() for c in counts.values()))
    report = Report(today=today, client_cutoff=client_cutoff(today),
                    read_log_cutoff=read_log_cutoff(today))
    for hub in Hub.objects.filter(pk__in=hub_ids).order_by("jis_code"):
        report.hubs.append(HubCounts(hub=hub, **{kind: c.get(hub.pk, 0)
                                                 for kind, c in counts.items()}))
    return report


# --- Anonymising -----------------------------------------------------------------------------
def _texts(names: list[str]) -> dict[str, str]:
    placeholder = _in_japanese(lambda: gettext("(anonymised)"))
    return {name: placeholder if name in REQUIRED_TEXTS else "" for name in names}


def _in_japanese(make):
    # Stored data, read by coordinators: in the site's language, not the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        return make()


def anonymised_name_parts() -> tuple[str, str]:
    """The text before and after the client's number in an anonymised client's name."""
    label = _in_japanese(lambda: gettext("Anonymised client %(number)s") % {"number": "\0"})
    before, _sep, after = label.partition("\0")
    return before, after


def _anonymise_clients(client_ids: list[int], now: datetime) -> list[int]:
    """Blanks the clients and everything of theirs, history included. Returns the case ids."""
    before, after = anonymised_name_parts()
    clients = list(Client.objects.filter(pk__in=client_ids))
    for client in clients:
        client.name = f"{before}{client.pk}{after}"
        # bulk_update does not call the field's pre_save: the old name's key would stay.
        client.name_key = client_name_key(client.name)
    Client.objects.bulk_update(clients, ["name", "name_key"])
    Client.objects.filter(pk__in=client_ids).update(
        **CLIENT_BLANK, anonymised_at=now, version=F("version") + 1)
    Client.history.filter(id__in=client_ids).update(
        **CLIENT_BLANK, name=Concat(Value(before), Cast("id", CharField()), Value(after)))
    # Cases deleted since still have history rows: take their ids from there as well.
    live = Case.objects.filter(client_id__in=client_ids).values_list("pk", flat=True)
    deleted = Case.history.filter(client_id__in=client_ids).values_list("id", flat=True)
    case_ids = sorted(set(live) | set(deleted))
    for model, names in ((Case, CASE_TEXTS), (Session, SESSION_TEXTS),
                         (Referral, REFERRAL_TEXTS)):
        where = {"pk__in": case_ids} if model is Case else {"case_id__in": case_ids}
        model.objects.filter(**where).update(**_texts(names), version=F("version") + 1)
        history_where = {"id__in": case_ids} if model is Case else where
        model.history.filter(**history_where).update(**_texts(names))
    return case_ids


def client_anonymise(*, client_ids, action: str, by=None, note: str = "") -> list[int]:
    """Anonymises those of the clients not yet anonymised and records it, one audit row per
    client. Returns the ids it anonymised (none on a second run)."""
    now = timezone.now()
    with transaction.atomic():
        todo = list(Client.objects.select_for_update()
                    .filter(pk__in=list(client_ids), anonymised_at__isnull=True)
                    .order_by("pk").values_list("pk", "hub_id"))
        if not todo:
            return []
        ids = [pk for pk, _hub in todo]
        case_ids = _anonymise_clients(ids, now)
        ClientDataAction.objects.bulk_create(
            ClientDataAction(client_id=pk, hub_id=hub_id, action=action, by=by, note=note[:300])
            for pk, hub_id in todo)
        client_anonymised.send(sender=Client, client_ids=ids, case_ids=case_ids)
    return ids


def read_log_prune(*, today: date) -> int:
    """Deletes read-log rows past their period, in slices so no transaction grows large."""
    deleted = 0
    while ids := list(reads_expired(today=today).values_list("pk", flat=True)[:5000]):
        deleted += PersonalDataRead.objects.filter(pk__in=ids).delete()[0]
    return deleted


@dataclass
class Result:
    clients: int
    reads: int


def retention_run(*, today: date, progress=None) -> Result:
    """Anonymises every client past the period and prunes the read log. Safe to run again."""
    ids = list(clients_expired(today=today).order_by("pk").values_list("pk", flat=True))
    if progress:
        progress.total(len(ids) + 1)
    note = _in_japanese(lambda: gettext("Retention period: %(years)s years")
                        % {"years": settings.RETENTION_CLIENT_YEARS})
    done = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        done += len(client_anonymise(client_ids=batch, action=ClientDataAction.Action.EXPIRED,
                                     note=note))
        if progress:
            progress.set(done)
    return Result(clients=done, reads=read_log_prune(today=today))


# --- The yearly job --------------------------------------------------------------------------
def _job_day(job) -> date:
    return date.fromisoformat(job.params["date"])


@register(KIND, label=gettext_lazy("Personal-data retention"), perm=VIEW_RECORDS,
          describe=lambda job: date_format(_job_day(job), "DATE_FORMAT"))
def retention_job(job, progress) -> None:
    # The day is the job's, not the run's: a retry next week applies the same cutoff.
    result = retention_run(today=_job_day(job), progress=progress)
    progress.summary(gettext("Clients anonymised: %(clients)s. Read-log entries deleted: "
                             "%(reads)s.") % {"clients": result.clients, "reads": result.reads})


def retention_start(*, today: date):
    """Records the year's retention job (once per year, whoever asks twice) and enqueues it."""
    from yorozu.jobs.services import job_start

    return job_start(kind=KIND, params={"date": today.isoformat()},
                     dedupe_key=f"{KIND}:{today.year}")


@shared_task(name="consultations.tasks.retention_schedule")
def retention_schedule() -> int:
    """Celery beat, yearly (CELERY_BEAT_SCHEDULE). Returns the job's id."""
    return retention_start(today=fiscal.today()).pk


# --- A client's own requests -----------------------------------------------------------------
def _record(obj, names: list[str]) -> dict:
    return {name: getattr(obj, name) for name in names}


CLIENT_EXPORT = ["id", "name", "name_kana", "kind", "corporate_number", "employees", "capital",
                 "municipality", "representative", "contact_person", "phone", "email",
                 "survey_consent", "created_at", "anonymised_at"]
CASE_EXPORT = ["id", "depth", "status", "outcome", "opened_on", "closed_on"]
SESSION_EXPORT = ["id", "held_on", "start_time", "duration_minutes", "channel", "summary",
                  "proposal", "next_step", "next_step_due"]
REFERRAL_EXPORT = ["id", "kind", "reason", "handed_over", "follow_up_due", "status",
                   "agency_note", "closing_note", "created_at"]
HISTORY_EXPORT = ["history_date", "history_type", *[n for n in CLIENT_EXPORT
                                                    if n not in ("created_at", "anonymised_at")]]


# What apps above consultations hold about a client (evaluation.outcomes: its financial
# figures and milestones), added to a disclosure by callables `(client) -> dict` that each
# registers from its AppConfig.ready(): consultations must not import them.
_DATA_PARTS: list = []


def client_data_register(part) -> None:
    if part not in _DATA_PARTS:
        _DATA_PARTS.append(part)


def client_data(client: Client) -> dict:
    """Everything held about the client: the record, its cases with their sessions and
    referrals, the earlier versions of the record kept in its change history, and what the
    apps above hold about it (_DATA_PARTS)."""
    data = _record(client, CLIENT_EXPORT)
    data["hub"] = str(client.hub)
    data["industry"] = str(client.industry) if client.industry_id else ""
    cases = (client.cases.order_by("opened_on", "pk").prefetch_related("topics", "sessions")
             .prefetch_related("referrals__agency"))
    data["cases"] = [{
        **_record(case, CASE_EXPORT),
        "topics": [str(topic) for topic in case.topics.all()],
        "sessions": [_record(s, SESSION_EXPORT)
                     for s in sorted(case.sessions.all(), key=lambda s: (s.held_on, s.pk))],
        "referrals": [{**_record(r, REFERRAL_EXPORT), "agency": str(r.agency)}
                      for r in sorted(case.referrals.all(), key=lambda r: r.pk)],
    } for case in cases]
    data["history"] = [_record(h, HISTORY_EXPORT)
                       for h in client.history.order_by("history_date", "history_id")]
    for part in _DATA_PARTS:
        data.update(part(client))
    return data


def clients_export(*, clients, by) -> bytes:
    """A disclosure (開示請求): the clients' data as JSON, each export audited and logged as a
    read of personal data."""
    clients = list(clients)
    payload = {"exported_at": timezone.now(), "clients": [client_data(c) for c in clients]}
    for client in clients:
        ClientDataAction.objects.create(client=client, hub_id=client.hub_id,
                                        action=ClientDataAction.Action.EXPORTED, by=by)
        personal_data_read_log(user=by, client=client, hub_id=client.hub_id,
                               what="admin_export")
    return json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
