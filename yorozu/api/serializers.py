"""What the API answers, field by field (the OpenAPI document is generated from these).
Hubs are named by their prefecture code (JIS X 0401, "13" for Tokyo), never by a database id.
No field holds a person's name or email, or a free text that could."""

from rest_framework import serializers


class BureauSerializer(serializers.Serializer):
    code = serializers.CharField()
    name_ja = serializers.CharField()
    name_en = serializers.CharField()


class HubSerializer(serializers.Serializer):
    jis_code = serializers.CharField(help_text="Prefecture code (JIS X 0401), e.g. \"13\".")
    name_ja = serializers.SerializerMethodField()
    name_en = serializers.SerializerMethodField()
    prefecture_ja = serializers.CharField()
    prefecture_en = serializers.CharField()
    implementing_org = serializers.CharField()
    bureau = BureauSerializer()

    def get_name_ja(self, hub) -> str:
        return f"{hub.prefecture_ja}よろず支援拠点"

    def get_name_en(self, hub) -> str:
        return f"{hub.prefecture_en} Yorozu Support Hub"


class HubRefSerializer(serializers.Serializer):
    jis_code = serializers.CharField()
    prefecture_ja = serializers.CharField()


def _rate(help_text: str):
    return serializers.FloatField(allow_null=True, help_text=help_text)


def _count(help_text: str = ""):
    return serializers.IntegerField(allow_null=True, help_text=help_text)


SATISFACTION_HELP = ("Share of answers of 4 or 5 (percent, one decimal). Null with no answers, "
                     "in a month not yet begun, or withheld so that no respondent can be "
                     "identified (fewer than the minimum answers).")


class MonthFiguresSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM (Tokyo calendar month).")
    sessions = _count("Sessions handled (相談対応件数).")
    new_clients = _count("New clients (新規相談者数): first session in the month.")
    satisfaction = _rate(SATISFACTION_HELP)
    follow_up = _rate("Follow-up rate (percent) of referrals due in the month.")
    expert_share = _rate("Share of cases opened that are expert proposals (percent).")
    referrals_due = _count()
    referrals_followed = _count()
    cases_opened = _count()
    cases_expert = _count()


class YearFiguresSerializer(serializers.Serializer):
    sessions = _count()
    new_clients = _count()
    satisfaction = _rate(SATISFACTION_HELP)
    follow_up = _rate("Follow-up rate (percent) over the year to date.")
    expert_share = _rate("Expert-proposal share of cases opened (percent), year to date.")


class HubFiguresSerializer(serializers.Serializer):
    hub = HubRefSerializer()
    fiscal_year = serializers.IntegerField()
    months = MonthFiguresSerializer(many=True, help_text="April to March.")
    year = YearFiguresSerializer(help_text="The fiscal year to date.")


class TargetSerializer(serializers.Serializer):
    year = serializers.FloatField(allow_null=True)
    months = serializers.ListField(child=serializers.FloatField(allow_null=True),
                                   help_text="April to March; null for rates.")


# Named choice sets, so that the OpenAPI document calls them PlanStatusEnum and
# ResultStatusEnum (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
PLAN_STATUSES = ["draft", "submitted", "in_review", "returned", "accepted"]
RESULT_STATUSES = ["finalised", "published"]


class PlanSerializer(serializers.Serializer):
    hub = HubRefSerializer()
    fiscal_year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PLAN_STATUSES)
    accepted_version = serializers.IntegerField(allow_null=True)
    targets_accepted = serializers.BooleanField(
        help_text="True: the targets are the accepted version's; false: the working draft's.")
    targets = serializers.DictField(child=TargetSerializer(), source="target_figures",
                                    help_text="By indicator code (sessions, new_clients, ...).")
    updated_at = serializers.DateTimeField()


class LevelSerializer(serializers.Serializer):
    area = serializers.CharField()
    item = serializers.CharField()
    level = serializers.IntegerField(allow_null=True, min_value=1, max_value=4)


class ResultSerializer(serializers.Serializer):
    hub = HubRefSerializer()
    fiscal_year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=RESULT_STATUSES)
    held_on = serializers.DateField()
    published_at = serializers.DateTimeField(allow_null=True)
    levels = LevelSerializer(many=True)


class DistributionSerializer(serializers.Serializer):
    item = serializers.CharField()
    levels = serializers.DictField(
        child=serializers.IntegerField(), allow_null=True,
        help_text="Hubs per level (\"1\"..\"4\"); null below the minimum number of hubs.")


class ResultDetailSerializer(ResultSerializer):
    distribution = DistributionSerializer(many=True)
