"""Step 3, first half: what the checked rows will create. Each row's client is found among the
hub's clients or made new (once per file), and rows are grouped into cases. Nothing is saved
here; saving.py inserts the plan."""

from dataclasses import dataclass
from datetime import time

from ..models import Case, Client
from .reading import Row

IN_CHUNK = 500  # lookups by value lists stay well under every database's parameter limit


def _chunks(values: list, size: int = IN_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Clients:
    """Finds each row's client among the hub's clients (by corporate number, else by the exact
    name and phone number) or makes a new, unsaved one, once per file."""

    def __init__(self, hub, rows: list[Row]):
        self.hub = hub
        self.by_number, self.by_name_phone, self.new_by_name = {}, {}, {}
        self.new, self.matched = [], set()
        numbers = sorted({r.data["corporate_number"] for r in rows if r.data["corporate_number"]})
        for part in _chunks(numbers):
            for client in Client.objects.filter(hub=hub, corporate_number__in=part).order_by("pk"):
                self.by_number.setdefault(client.corporate_number, client)
        phones = sorted({r.data["phone"] for r in rows if r.data["phone"]})
        names = {r.data["name"] for r in rows if r.data["phone"]}
        for part in _chunks(phones):
            for client in Client.objects.filter(hub=hub, phone__in=part).order_by("pk"):
                if client.name in names:
                    self.by_name_phone.setdefault((client.name, client.phone), client)

    def _find(self, data: dict):
        number, name, phone = data["corporate_number"], data["name"], data["phone"]
        if number and number in self.by_number:
            return self.by_number[number]
        if phone:
            client = self.by_name_phone.get((name, phone))
            if client is not None and (not number or not client.corporate_number):
                return client
        elif not number:
            return self.new_by_name.get(name)
        return None

    def get(self, data: dict) -> Client:
        client = self._find(data)
        if client is not None:
            if client.pk is not None:
                self.matched.add(client.pk)
            return client
        client = Client(hub=self.hub, name=data["name"], name_kana=data["name_kana"],
                        kind=data["kind"], corporate_number=data["corporate_number"],
                        phone=data["phone"])
        self.new.append(client)
        if client.corporate_number:
            self.by_number[client.corporate_number] = client
        if client.phone:
            self.by_name_phone.setdefault((client.name, client.phone), client)
        elif not client.corporate_number:
            self.new_by_name[client.name] = client
        return client


@dataclass
class _Plan:
    new_clients: list
    cases: list  # [(Case, topics, rows)], each case's rows in date order
    clients_matched: int


def _plan(hub, rows: list[Row]) -> _Plan:
    clients = _Clients(hub, rows)
    # The rows of one case: same client and same case key; a row without a key is a case alone.
    groups: dict[tuple, list[Row]] = {}
    for row in rows:
        client = row.data["client"] = clients.get(row.data)
        key = (id(client), row.data["case_key"]) if row.data["case_key"] else (None, row.number)
        groups.setdefault(key, []).append(row)
    cases = []
    for group in groups.values():
        group.sort(key=lambda r: (r.data["held_on"], r.data["start_time"] or time(), r.number))
        first = group[0].data
        topics = []
        for row in group:
            topics += [t for t in row.data["topics"] if t not in topics]
        # Opened on its first session's date, led by that session's coordinator, at its depth.
        case = Case(hub_id=hub.pk, client=first["client"], lead=first["lead"],
                    depth=first["depth"], opened_on=first["held_on"])
        cases.append((case, topics, group))
    return _Plan(new_clients=clients.new, cases=cases, clients_matched=len(clients.matched))
