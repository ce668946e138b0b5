"""The database's second wall (hubs/rls.py) covers the self-study's tables: a query that
forgets the scoping layer sees and changes only the hub's own rows. PostgreSQL only."""

import pytest
from django.db import DatabaseError, connection, transaction

from evaluation.selfstudy.models import Document, Narrative, SelfStudy
from hubs import rls

from .factories import document, self_study, year_guideline

pytestmark = pytest.mark.needs_postgres


@pytest.fixture
def studies(cast):
    guideline = year_guideline(cast.hq)
    own = self_study(hub=cast.hub, by=cast.chief, guideline=guideline, submitted=True)
    other = self_study(hub=cast.other_hub, by=cast.outsider, guideline=guideline,
                       submitted=True)
    document(own, by=cast.chief)
    document(other, by=cast.outsider)
    return own, other


def test_every_self_study_table_carries_the_wall(db):
    tables = {m._meta.db_table for m in (SelfStudy, Narrative, Document)}
    assert tables <= {m._meta.db_table for m in rls.walled_models()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relrowsecurity AND relname = ANY(%s)",
                       [sorted(tables)])
        assert {row[0] for row in cursor.fetchall()} == tables


def test_a_careless_query_sees_only_the_hubs_own_rows(cast, studies):
    own, _other = studies
    with rls.hub_wall([cast.hub.pk]):
        assert list(SelfStudy.objects.values_list("pk", flat=True)) == [own.pk]
        assert set(Narrative.objects.values_list("self_study", flat=True)) == {own.pk}
        assert set(Document.objects.values_list("self_study", flat=True)) == {own.pk}


def test_another_hubs_rows_cannot_be_written(cast, studies):
    _own, other = studies
    with rls.hub_wall([cast.hub.pk]):
        assert Narrative.objects.filter(self_study=other).update(text="書き換え") == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Narrative.objects.create(self_study=other, hub=cast.other_hub,
                                     area=other.guideline.areas.first(), text="越境")
    assert not Narrative.objects.filter(text__in=["書き換え", "越境"]).exists()
