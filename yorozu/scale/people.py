"""The national cast for seed_scale: staff at every hub (about 1,100 people at full size),
each appointed for this fiscal year, with the role groups that appointments give
(hubs.services.access_sync_all), and a few support agencies per hub."""

import random
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from hubs.models import Appointment, Bureau, Hub, SupportAgency
from hubs.roles import Role
from hubs.services import access_sync_all
from yorozu.core import fiscal

DOMAIN = "scale.example.jp"
FAMILY = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
          ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
          ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
          ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ")]
GIVEN = [("大輔", "ダイスケ"), ("美咲", "ミサキ"), ("健太", "ケンタ"), ("陽子", "ヨウコ"),
         ("翔", "ショウ"), ("由美", "ユミ"), ("誠", "マコト"), ("恵", "メグミ"),
         ("拓也", "タクヤ"), ("真理", "マリ"), ("直樹", "ナオキ"), ("裕子", "ユウコ")]
AGENCIES = ["商工会議所", "商工会連合会", "信用金庫", "日本政策金融公庫", "産業振興センター",
            "事業承継・引継ぎ支援センター", "中小企業診断士協会", "税理士会"]


@dataclass
class HubStaff:
    hub: Hub
    coordinators: list[int] = field(default_factory=list)
    agencies: list[int] = field(default_factory=list)


def coordinator_count(sessions: int) -> int:
    """About a thousand coordinators at full size (5 million sessions); at least two a hub."""
    return max(2 * 47, min(1000, sessions // 5000))


def seed_people(*, hubs: list[Hub], shares: dict[str, int], seed: int) -> dict[str, HubStaff]:
    """Staff and agencies for every hub; `shares` is each hub's number of coordinators."""
    rng = random.Random(f"{seed}-people")
    password = make_password(settings.DEMO_PASSWORD)
    fy = fiscal.current_fiscal_year()
    User = get_user_model()
    planned: list[tuple[str, str, Hub | None, Bureau | None]] = []
    for hub in hubs:
        planned += [(f"chief.{hub.jis_code}", Role.CHIEF, hub, None),
                    (f"org.{hub.jis_code}", Role.IMPL_ORG, hub, None)]
        planned += [(f"coord{n}.{hub.jis_code}", Role.COORDINATOR, hub, None)
                    for n in range(1, shares[hub.jis_code] + 1)]
    for bureau in Bureau.objects.order_by("sort_order", "code"):
        planned += [(f"bureau{n}.{bureau.code}", Role.BUREAU, None, bureau) for n in (1, 2)]
    planned += [(f"hq{n}", Role.HQ, None, None) for n in range(1, 11)]

    users = []
    for local, _role, _hub, _bureau in planned:
        family, given = rng.choice(FAMILY), rng.choice(GIVEN)
        users.append(User(email=f"{local}@{DOMAIN}", password=password,
                          family_name=family[0], family_name_kana=family[1],
                          given_name=given[0], given_name_kana=given[1]))
    users = User.objects.bulk_create(users)
    Appointment.objects.bulk_create([
        Appointment(user=user, role=role, hub=hub, bureau=bureau, fiscal_year=fy,
                    starts_on=fiscal.fiscal_year_start(fy), ends_on=fiscal.fiscal_year_end(fy),
                    status=Appointment.Status.APPROVED)
        for user, (_local, role, hub, bureau) in zip(users, planned, strict=True)])
    access_sync_all()

    staff = {hub.jis_code: HubStaff(hub=hub) for hub in hubs}
    for user, (_local, role, hub, _bureau) in zip(users, planned, strict=True):
        if role == Role.COORDINATOR:
            staff[hub.jis_code].coordinators.append(user.pk)
    kinds = [value for value, _label in SupportAgency.Kind.choices]
    for hub in hubs:
        made = SupportAgency.objects.bulk_create([
            SupportAgency(hub=hub, name=f"{hub.prefecture_ja}{name}", kind=kinds[n % len(kinds)],
                          email=f"agency{n}.{hub.jis_code}@{DOMAIN}")
            for n, name in enumerate(AGENCIES)])
        staff[hub.jis_code].agencies = [agency.pk for agency in made]
    return staff
