"""The standard indicators every hub plans against (the activity policy names them), and how
each is counted from the hub's records. Shares are percentages; the rest are counts."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    unit: str  # "count" (summed over months) or "percent" (a rate for the period)

    @property
    def is_count(self) -> bool:
        return self.unit == "count"


SESSIONS = Indicator("sessions", _("Consultation sessions handled"), "count")
NEW_CLIENTS = Indicator("new_clients", _("New clients"), "count")
SATISFACTION = Indicator("satisfaction", _("Client satisfaction (share satisfied)"), "percent")
FOLLOW_UP = Indicator("follow_up", _("Referral follow-up rate"), "percent")
EXPERT_SHARE = Indicator("expert_share", _("Share of expert-proposal cases"), "percent")

STANDARD = [SESSIONS, NEW_CLIENTS, SATISFACTION, FOLLOW_UP, EXPERT_SHARE]
BY_CODE = {i.code: i for i in STANDARD}
