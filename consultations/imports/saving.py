"""Step 3: saving the checked rows in one transaction, with the services' rules (access check,
model validation, created_by and a history record by the importer, topics and coordinators on
the history too) but inserted in batches; and the rejected rows as an .xlsx with an エラー
column."""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import NotSupportedError, connection, transaction

from hubs.access import require
from hubs.roles import CHANGE_RECORDS
from yorozu.core.xlsx import TableSheet, Workbook, workbook_bytes

from .. import services
from ..history import BATCH_SIZE, history_insert, links_insert
from ..models import Case, Client, ImportBatch, Session
from ..summaries import summaries_refresh
from ..tallies import CASES, sessions_tallies_refresh, tallies_refresh
from .checking import Checked
from .columns import ERRORS, _text
from .planning import _Plan, _plan
from .reading import Row, Upload


@dataclass
class Result:
    batch: ImportBatch
    sessions: int
    cases: int
    clients_created: int
    clients_matched: int


def _session_data(data: dict) -> dict:
    return {name: data[name] for name in services.SESSION_FIELDS}


# Foreign keys point to rows loaded or created by this import; not checking them again in
# full_clean() saves a query per record.
_KNOWN = {Client: ["hub", "industry", "created_by"],
          Case: ["hub", "client", "lead", "created_by"],
          Session: ["hub", "case", "created_by"]}


def _insert(model, objs: list, *, by) -> list:
    """What services._save_new does for one record, for many: validated, created_by set, saved
    with a history record ("+", by `by`). Returns the history records, in order."""
    for obj in objs:
        obj.created_by = by
        # Rows were checked beforehand; this is the models' own last line of defence.
        obj.full_clean(exclude=_KNOWN[model], validate_unique=False, validate_constraints=False)
    model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    return history_insert(model, objs, by=by)


def _save_in_bulk(plan: _Plan, *, hub, by) -> None:
    """The records services.client_create, case_create and session_create would save one at a
    time, inserted in batches: a few dozen queries for thousands of rows instead of some twenty
    per row."""
    if not connection.features.can_return_rows_from_bulk_insert:
        # Every supported database (SQLite 3.35+, PostgreSQL) returns the new rows' keys, which
        # the cases, sessions and links below need.
        raise NotSupportedError("importing needs a database that returns the keys of bulk "
                                "inserts (SQLite 3.35+ or PostgreSQL)")
    _insert(Client, plan.new_clients, by=by)
    # bulk_create takes each case's client key from its client object, saved just now.
    cases = [case for case, _topics, _rows in plan.cases]
    histories = _insert(Case, cases, by=by)
    links_insert(Case, "topics", cases, histories, [topics for _c, topics, _r in plan.cases],
                 hub_id=hub.pk)
    sessions, leads = [], []
    for case, _topics, rows in plan.cases:
        for row in rows:
            sessions.append(Session(hub_id=hub.pk, case=case, **_session_data(row.data)))
            leads.append([row.data["lead"]])
    histories = _insert(Session, sessions, by=by)
    links_insert(Session, "coordinators", sessions, histories, leads)
    summaries_refresh(case_ids=[case.pk for case in cases])
    sessions_tallies_refresh(months=[(session.hub_id, session.held_on) for session in sessions])
    tallies_refresh(CASES, months=[(case.hub_id, case.opened_on) for case in cases])


@transaction.atomic
def run(checked: Checked, *, by, valid_only: bool = False) -> Result:
    """Imports the checked rows: all of them, or with `valid_only` those without errors, the
    others going to the batch's rejected file. All or nothing: if anything fails, nothing is
    saved. Refuses (ValueError) to import a file with errors unless `valid_only`."""
    hub = checked.hub
    require(by, CHANGE_RECORDS, hub.pk)
    rows, rejected = checked.valid_rows, checked.rejected_rows
    if rejected and not valid_only:
        raise ValueError("the file has errors")
    if not rows:
        raise ValueError("no valid rows")
    plan = _plan(hub, rows)
    _save_in_bulk(plan, hub=hub, by=by)
    batch = ImportBatch(hub=hub, created_by=by, filename=checked.upload.filename[:200],
                        imported=len(rows), rejected=len(rejected))
    if rejected:
        # Into the storage (the server's disk or the shared bucket), named without the
        # uploaded file's name: that may name a client.
        batch.rejected_file.save(f"rejected_{hub.jis_code}.xlsx",
                                 ContentFile(rejected_workbook(checked.upload, rejected)),
                                 save=False)
    batch.save()
    return Result(batch=batch, sessions=len(rows), cases=len(plan.cases),
                  clients_created=len(plan.new_clients), clients_matched=plan.clients_matched)


def rejected_workbook(upload: Upload, rows: list[Row]) -> bytes:
    """The rejected rows in the uploaded file's own columns, plus an エラー column saying, for
    each, what to fix: the user corrects this file and imports it again."""
    workbook = Workbook()
    width = len(upload.headers)
    with TableSheet(workbook, "取込不可") as table:
        table.header([*(_text(h) for h in upload.headers), ERRORS])
        for row in rows:
            values = (row.raw + [None] * width)[:width]
            problems = "\n".join(f"{column}：{message}" for column, message in row.errors)
            table.row([*values, problems])
    return workbook_bytes(workbook)

