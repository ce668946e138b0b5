"""Versioned editing (optimistic locking), written once for every app.

A versioned record has a `version` integer. A form carries the version the user read when it
opened; the service saves only if nobody saved since, and bumps the version; otherwise it
raises EditConflict with the stored row, and the view shows the user's input beside it, with
nothing overwritten. Saving again from that screen carries the stored version, so the user
then knowingly replaces it.

- service side: `locked_at_version` (lock the row, compare) and `versioned_update` (lock,
  compare, apply the fields and bump the version), inside the caller's transaction;
- form side: `VersionedForm`, the hidden `version` field;
- view side: `submit_versioned`, which runs the save and turns EditConflict into what the
  page shows.

This is the bottom floor: it imports no app. Callers pass their querysets and rows in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.db import models

from .errors import EditConflict

__all__ = ["EditConflict", "EditOutcome", "VersionedForm", "locked_at_version",
           "submit_versioned", "versioned_update"]


# --- Service side ------------------------------------------------------------------------------
def locked_at_version(queryset, *, pk, version: int, check: Callable | None = None):
    """The row `pk` of `queryset` (a model or queryset), locked until the caller's transaction
    ends, if it is still at `version`; otherwise raises EditConflict with the stored row.

    `check(current)` runs first, on the locked row: a state that forbids the edit whatever
    the version (a finalised hearing, a survey already sent) raises there instead. A `None`
    version skips the comparison, for actions that may be taken without having read the row.
    """
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    current = queryset.select_for_update(of=("self",)).get(pk=pk)
    if check is not None:
        check(current)
    if version is not None and current.version != version:
        raise EditConflict(current)
    return current


def versioned_update(instance, *, version: int, fields: dict, queryset=None,
                     check: Callable | None = None, history_user=None):
    """Applies `fields` to the stored row of `instance` if nobody saved it since `version`,
    with `version = version + 1`; otherwise raises EditConflict with the stored row and
    changes nothing. Call it inside a transaction (the row stays locked until it ends).

    The change is applied to the freshly locked row, so that a field the form does not edit
    (a status changed meanwhile) is never written back from a stale copy; `instance` then
    gets the same values, so that the caller's object reads as saved. Returns the saved row.
    `history_user` is who django-simple-history records as the author of the change.
    """
    current = locked_at_version(queryset if queryset is not None else type(instance),
                                pk=instance.pk, version=version, check=check)
    for name, value in fields.items():
        setattr(current, name, value)
    current.version += 1
    if history_user is not None:
        current._history_user = history_user
    current.full_clean()
    current.save()
    for name in [*fields, "version"]:
        setattr(instance, name, getattr(current, name))
    return current


# --- Form side ---------------------------------------------------------------------------------
class VersionedForm(forms.Form):
    """The hidden version the user started from; a stale one means someone saved since.
    Mix it into a ModelForm (the instance's version is the initial one) or a Form (pass
    `initial={"version": ...}`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["version"] = instance.version

    def started_from(self) -> int:
        """The version the user read. A missing one is 0, which no stored row has (versions
        start at 1), so it conflicts instead of overwriting."""
        return self.cleaned_data.get("version") or 0

    def keep_input_after_conflict(self, current) -> None:
        """The user's input stays; saving again now knowingly replaces the stored version."""
        self.data = self.data.copy()
        self.data["version"] = current.version


# --- View side ---------------------------------------------------------------------------------
@dataclass
class EditOutcome:
    saved: bool = False
    conflict: object = None  # the stored row, when someone else saved meanwhile

    @property
    def status(self) -> int:
        """409 for the conflict screen: the save did not happen."""
        return 409 if self.conflict is not None else 200


def submit_versioned(request, form: VersionedForm, save: Callable) -> EditOutcome:
    """The POST of an edit form: runs `save(form)` on valid input. On EditConflict the form
    keeps what the user typed with the stored version, and the outcome carries the stored row
    for the conflict block. Other errors (WorkflowError) reach the caller."""
    if request.method != "POST" or not form.is_valid():
        return EditOutcome()
    try:
        save(form)
    except EditConflict as exc:
        form.keep_input_after_conflict(exc.current)
        return EditOutcome(conflict=exc.current)
    return EditOutcome(saved=True)
