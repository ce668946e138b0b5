"""The client's outcomes in a disclosure (開示請求, consultations/retention.py): every
financial snapshot and milestone held about the client, with who recorded or checked them."""

from .models import FinancialSnapshot, Milestone

SNAPSHOT_FIELDS = ["period_end", "sales", "operating_profit", "personnel_costs",
                   "depreciation", "employees", "source", "verified_by__email", "verified_at"]
MILESTONE_FIELDS = ["kind", "note", "achieved_on", "case_id", "session__held_on",
                    "description", "confirmed_on", "confirmation",
                    "confirmation_recorded_by__email"]


def client_outcome_data(client) -> dict:
    return {
        "financial_snapshots": list(FinancialSnapshot.objects.filter(client=client)
                                    .order_by("period_end", "pk").values(*SNAPSHOT_FIELDS)),
        "milestones": list(Milestone.objects.filter(client=client)
                           .order_by("achieved_on", "pk").values(*MILESTONE_FIELDS)),
    }
