"""The quick log: one form that records a session for a found or a new client, in a case that
is open already or opened now. A radio group named "target" says which:
  new            a new client (the client fields) and a new case
  client:<pk>    an existing client, new case
  case:<pk>      an existing open case
Nothing is assumed: the page opens with nothing chosen, and a submission without a choice is
refused (never taken as a new client). The search box's results are redrawn as the user types;
the choice already made travels with each search and is drawn again, checked, whatever the
text. While nothing is chosen, one strong match (see `is_strong_match`) becomes the choice."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hubs.access import authorise
from hubs.roles import CHANGE_RECORDS, VIEW_RECORDS

from . import selectors, services
from .forms import ClientForm, QuickCaseForm, SessionForm
from .models import Case, Client, Session
from .validators import clean_text, client_name_key, normalize_digits


def with_targets(clients: list[Client]) -> list[Client]:
    """Gives each client and each of its open cases its value in the "target" radio group."""
    for client in clients:
        client.target = f"client:{client.pk}"
        for case in client.open_cases:
            case.target = f"case:{case.pk}"
    return clients


def parse_target(target: str) -> tuple[str, int | None]:
    """("new", None), ("client", pk) or ("case", pk); ("", None) for no or a malformed choice."""
    kind, _sep, pk = target.partition(":")
    if kind == "new" and not pk:
        return kind, None
    if kind in ("client", "case") and pk.isdigit():
        return kind, int(pk)
    return "", None


def chosen_client(target: str) -> Q | None:
    """The client a target points to, as a condition on clients (no query of its own)."""
    kind, pk = parse_target(target)
    if kind == "client":
        return Q(pk=pk)
    if kind == "case":
        return Q(pk__in=Case.objects.filter(pk=pk).values("client_id"))
    return None


def _kana_key(text: str) -> str:
    """Kana as typed and as registered, compared: width (NFKC), case and spaces set aside."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "").casefold())


def is_strong_match(client: Client, q: str) -> bool:
    """The typed text names this client beyond doubt: its 13-digit corporate number exactly
    (full width and hyphens allowed), or its name or kana once width, case, spaces (and, for
    the name, the legal form at either end: client_name_key) are set aside. A part of a name
    is never strong: 山田 finds 山田製作所 but does not choose it."""
    digits = normalize_digits(q).replace("-", "")
    if len(digits) == 13 and digits.isdigit():
        return client.corporate_number == digits
    key, kana = client_name_key(q), _kana_key(q)
    return bool(key and client.name_key == key or kana and _kana_key(client.name_kana) == kana)


@dataclass
class Choices:
    """What the search box offers: clients with their open cases, the checked target, and the
    clients the typed text names beyond doubt (strong matches)."""

    clients: list[Client]
    chosen: str
    same_name: list[Client] = field(default_factory=list)
    defaulted: bool = False

    @property
    def undecided(self) -> bool:
        return parse_target(self.chosen)[0] in ("new", "")


def search_choices(*, user, hub, q: str, target: str) -> Choices:
    """The choice already made is kept. Without one (or with "new"), exactly one strong match
    among the results becomes the choice: its latest open case if it has one, else a new case
    for it. Choosing "new" again then leads to the duplicate warning. Several strong matches
    leave the choice to the user."""
    found = selectors.client_search(user=user, hub=authorise(user, VIEW_RECORDS, hub), q=q,
                                    chosen=chosen_client(target))
    clients = with_targets(list(found))
    strong = [c for c in clients if q.strip() and is_strong_match(c, q)]
    choices = Choices(clients=clients, chosen=target, same_name=strong)
    if choices.undecided and len(strong) == 1:
        match = strong[0]
        choices.chosen = match.open_cases[0].target if match.open_cases else match.target
        choices.defaulted = True
    return choices


class QuickLog:
    def __init__(self, request, hub):
        data = request.POST if request.method == "POST" else None
        self.hub, self.user = hub, request.user
        # A new page starts with nothing chosen: the user chooses a found client or "new" (which
        # opens the new client's fields); a submission says what it is for or is refused.
        self.target = data.get("target", "") if data is not None else ""
        # Only the parts in use are validated; the others keep what was typed, unvalidated, so
        # that switching the choice back loses nothing.
        self.client_form = self._part(ClientForm, data, "client", self.target == "new", hub=hub)
        self.case_form = self._part(QuickCaseForm, data, "case",
                                    not self.target.startswith("case:"))
        self.session_form = SessionForm(data, hub=hub, user=request.user, prefix="session",
                                        instance=Session(hub=hub))
        # Shorter boxes than on the session page, so the form fits a laptop's screen; they
        # grow with the text (a textarea scrolls, nothing is cut off).
        self.session_form.fields["summary"].widget.attrs["rows"] = 3
        self.session_form.fields["proposal"].widget.attrs["rows"] = 2
        self.confirm_duplicate = bool(data and data.get("confirm_duplicate"))
        self.duplicates: list[Client] = []
        self.target_error = ""
        self.client: Client | None = None
        self.case: Case | None = None

    @staticmethod
    def _part(form_class, data, prefix: str, in_use: bool, **kwargs):
        if data is None or in_use:
            return form_class(data, prefix=prefix, **kwargs)
        typed = {key.removeprefix(f"{prefix}-"): data.getlist(key) if key.endswith("topics")
                 else data.get(key) for key in data if key.startswith(f"{prefix}-")}
        return form_class(None, prefix=prefix, initial=typed, **kwargs)

    @property
    def candidates(self) -> list[Client]:
        """After an error: what the search box offers for the typed name, the chosen client
        first, and the clients the duplicate warning names, to be chosen right there."""
        # Typed text of a part not in use is not cleaned by its form (a NUL fails in PostgreSQL).
        name = clean_text(self.client_form["name"].value() or "")[:100]
        clients = search_choices(user=self.user, hub=self.hub, q=name, target=self.target).clients
        listed = {c.pk for c in clients}
        return clients + with_targets([d for d in self.duplicates if d.pk not in listed])

    @property
    def is_new_client(self) -> bool:
        return self.target == "new"

    @property
    def needs_case(self) -> bool:
        return self.case is None

    def is_valid(self) -> bool:
        valid = self.session_form.is_valid()
        valid = self._resolve_target() and valid
        if self.is_new_client:
            valid = self.client_form.is_valid() and self._no_unconfirmed_duplicate() and valid
        if self.needs_case:
            valid = self._case_valid() and valid
        return valid

    def _scoped(self, model):
        return model.objects.for_user(self.user, CHANGE_RECORDS).filter(hub=self.hub)

    def _resolve_target(self) -> bool:
        kind, pk = parse_target(self.target)
        if kind == "new":
            return True
        if not kind:
            self.target = ""
            self.target_error = _("Choose whom to record this consultation for: a new client, "
                                  "or a registered client or case from the search results.")
            return False
        if kind == "client":
            self.client = self._scoped(Client).filter(pk=pk).first()
        else:
            self.case = (self._scoped(Case).select_related("client")
                         .filter(pk=pk, status=Case.Status.OPEN).first())
            self.client = self.case.client if self.case else None
        if self.client is None:
            self.target = ""  # nothing is assumed in its place
            self.target_error = _("The chosen client or case is no longer available. Search "
                                  "again, or register a new client.")
            return False
        return True

    def _case_valid(self) -> bool:
        if not self.case_form.is_valid():
            return False
        if not self.case_form.cleaned_data["topics"]:
            self.case_form.add_error("topics", _("Choose at least one topic."))
            return False
        return True

    def _no_unconfirmed_duplicate(self) -> bool:
        data = self.client_form.cleaned_data
        self.duplicates = list(selectors.client_duplicates(
            hub=authorise(self.user, VIEW_RECORDS, self.hub),
            corporate_number=data.get("corporate_number", ""),
            name=data.get("name", "")))
        for client in self.duplicates:  # the warning shows their phone numbers
            services.personal_data_read_log(user=self.user, client=client, hub_id=self.hub.pk,
                                            what="quick_log_duplicate")
        return not self.duplicates or self.confirm_duplicate

    @property
    def has_errors(self) -> bool:
        forms = [self.session_form, self.client_form if self.is_new_client else None,
                 self.case_form if self.needs_case else None]
        return bool(self.target_error or self.duplicates and not self.confirm_duplicate
                    or any(f is not None and f.is_bound and f.errors for f in forms))

    def error_fields(self):
        """(field id, label, first message) for the error summary at the top of the page."""
        forms = [self.client_form if self.is_new_client else None,
                 self.case_form if self.needs_case else None, self.session_form]
        for form in forms:
            if form is None or not form.is_bound:
                continue
            for name, errors in form.errors.items():
                if name in form.fields:
                    yield form[name].auto_id, form.fields[name].label, errors[0]

    def save(self) -> Session:
        session_data = self.session_form.cleaned_data
        case_data = self.case_form.cleaned_data if self.needs_case else {}
        return services.quick_log(
            hub=self.hub, by=self.user, client=self.client,
            client_data=self.client_form.cleaned_data if self.is_new_client else None,
            case=self.case, case_data=case_data, session_data=session_data,
            coordinators=session_data["coordinators"])
