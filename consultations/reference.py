"""Consultation topics (the list HQ starts from and extends in the admin) and the JSIC
divisions. Loaded after every migrate and every test flush; rows already there, and what HQ
edited on them, are left alone."""

import csv
from pathlib import Path

TOPICS = [
    ("sales", "売上拡大", "Sales expansion"),
    ("turnaround", "経営改善・事業再生", "Management improvement and turnaround"),
    ("startup", "創業", "Starting a business"),
    ("succession", "事業承継", "Business succession"),
    ("finance", "資金繰り・金融", "Cash flow and finance"),
    ("it_dx", "IT・DX", "IT and digital transformation"),
    ("hr", "人材・労務", "People and labour"),
    ("overseas", "海外展開", "Overseas expansion"),
    ("ip", "知的財産", "Intellectual property"),
    ("productivity", "生産性向上", "Productivity"),
    ("policy", "施策活用", "Using public support measures"),
    ("other", "その他", "Other"),
]
JSIC = Path(__file__).resolve().parent.parent / "hubs" / "data" / "jsic_divisions.csv"


def reference_load(topic_model, industry_model) -> None:
    if topic_model.objects.exists() and industry_model.objects.exists():
        return
    for order, (code, ja, en) in enumerate(TOPICS):
        topic_model.objects.get_or_create(code=code, defaults={
            "name_ja": ja, "name_en": en, "sort_order": order})
    with open(JSIC, encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f)):
            industry_model.objects.get_or_create(code=row["code"], defaults={
                "name_ja": row["name_ja"], "name_en": row["name_en"], "sort_order": order})


def load_after_migrate(sender, **kwargs):
    from .models import Industry, Topic

    reference_load(Topic, Industry)
