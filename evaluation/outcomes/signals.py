"""An anonymised client's milestones lose their free texts too (consultations/retention.py
blanks the client's own and its cases'; it must not import this app). Dates, kinds and
figures stay, so that every count and sum is the same before and after."""

from django.conf import settings
from django.db.models import Case, F, Value, When
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext

from consultations.retention import client_anonymised

from .models import Milestone


@receiver(client_anonymised, dispatch_uid="outcomes_client_anonymised")
def _forget_texts(sender, client_ids, **kwargs):
    with translation.override(settings.LANGUAGE_CODE):  # stored data: the site's language
        placeholder = gettext("(anonymised)")
    # "Other" needs a note (the database requires one): the placeholder says what happened.
    values = {"description": Value(placeholder),
              "note": Case(When(kind=Milestone.Kind.OTHER, then=Value(placeholder)),
                           default=Value(""))}
    Milestone.objects.filter(client_id__in=client_ids).update(**values,
                                                             version=F("version") + 1)
    Milestone.history.filter(client_id__in=client_ids).update(**values)
