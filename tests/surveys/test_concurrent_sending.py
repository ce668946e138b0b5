"""Two runs sending the same invitation at the same moment (a redelivered job beside the daily
catch-up, say) send it once. On PostgreSQL, with real concurrent transactions."""

import threading

import pytest
from django.core import mail
from django.db import connection

from evaluation.surveys import satisfaction, sending
from evaluation.surveys.models import SatisfactionInvitation
from tests.consultations.factories import CaseFactory


@pytest.mark.needs_postgres
def test_a_concurrent_second_send_waits_for_the_first_and_then_sends_nothing(
        transactional_db, cast):
    case = CaseFactory(hub=cast.hub, lead=cast.coordinator, client__email="a@example.jp",
                       client__survey_consent=True)
    invitation = SatisfactionInvitation.objects.create(
        hub=cast.hub, case=case, coordinator=cast.coordinator, email="a@example.jp")
    holding, release = threading.Event(), threading.Event()
    results = {}

    def slow_build(inv, url):  # the first run is in the middle of talking to the mail server
        holding.set()
        release.wait(10)
        return satisfaction._message(
            SatisfactionInvitation.objects.select_related("hub", "case__client").get(
                pk=inv.pk), url)

    def run(name, build):
        try:
            # The satisfaction claim follows relations (the client's consent), the case the
            # row lock must still be re-checked for.
            results[name] = sending.send_once(
                SatisfactionInvitation, invitation.pk, claim=satisfaction.SENDABLE,
                update=sending.first_send_update(30), build=build)
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", slow_build))
    first.start()
    assert holding.wait(10)
    second = threading.Thread(target=run, args=(
        "second", lambda inv, url: satisfaction._message(
            SatisfactionInvitation.objects.select_related("hub", "case__client").get(
                pk=inv.pk), url)))
    second.start()
    second.join(1)
    assert second.is_alive(), "the second run should wait on the first one's row lock"
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": True, "second": False}
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]
