"""Errors that services of every app raise and views turn into messages."""


class WorkflowError(Exception):
    """An action that the record's state or the user's role does not allow."""


class EditConflict(Exception):
    """Someone else saved the record after the user opened it."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current
