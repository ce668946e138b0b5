"""Demo data for seed_demo. Every name and address here is fictional."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from yorozu.core import fiscal

from .models import Appointment, Bureau, Hub, SupportAgency
from .roles import Role

DOMAIN = "example.jp"
# (jis code, slug, chief, coordinators, implementing-organization staff member)
DEMO_HUBS = [
    ("13", "tokyo", ("山田", "太郎"), [("佐藤", "花子"), ("鈴木", "一郎")], ("高橋", "美咲")),
    ("04", "miyagi", ("伊藤", "健"), [("渡辺", "由美"), ("中村", "翔")], ("小林", "恵")),
    ("27", "osaka", ("加藤", "誠"), [("吉田", "彩"), ("山口", "大輔")], ("松本", "麻衣")),
    ("40", "fukuoka", ("井上", "拓也"), [("木村", "さくら"), ("林", "優斗")], ("清水", "智子")),
]
DEMO_BUREAUS = [("kanto", ("関", "東子")), ("tohoku", ("東", "北斗")), ("kinki", ("近藤", "畿一")),
                ("kyushu", ("九重", "州平"))]
DEMO_HQ = [("hq", ("本部", "評価")), ("hq.lead", ("本田", "統括"))]
AGENCIES = [
    ("{pref}デモ商工会議所", SupportAgency.Kind.CHAMBER_OF_COMMERCE, "中小企業相談所"),
    ("{pref}デモ商工会連合会", SupportAgency.Kind.SOCIETY_OF_COMMERCE, "経営指導員"),
    ("デモ信用金庫{pref}支店", SupportAgency.Kind.FINANCIAL, "融資課"),
    ("{pref}デモ信用保証協会", SupportAgency.Kind.CREDIT_GUARANTEE, "経営支援課"),
    ("{pref}デモ産業技術センター", SupportAgency.Kind.RESEARCH, "技術相談窓口"),
    ("デモ市 産業振興課", SupportAgency.Kind.MUNICIPALITY, "創業支援係"),
    ("デモ中小企業診断士協会", SupportAgency.Kind.PROFESSIONAL, "事務局"),
]


@transaction.atomic
def seed_demo() -> list[tuple[str, str, str]]:
    """Creates or refreshes the demo cast; returns (email, role, where) for each login."""
    fy = fiscal.current_fiscal_year()
    logins = [_admin()]
    for code, (family, given) in DEMO_HQ:
        user = _user(code, family, given)
        _appoint(user, Role.HQ, fy)
        logins.append((user.email, str(Role.HQ.label), "全国本部"))
    for code, (family, given) in DEMO_BUREAUS:
        bureau = Bureau.objects.get(code=code)
        user = _user(f"bureau.{code}", family, given)
        _appoint(user, Role.BUREAU, fy, bureau=bureau)
        logins.append((user.email, str(Role.BUREAU.label), bureau.name_ja))
    for jis, slug, chief, coordinators, org in DEMO_HUBS:
        hub = Hub.objects.get(jis_code=jis)
        if not hub.implementing_org:
            hub.implementing_org = f"公益財団法人{hub.prefecture_ja}デモ産業振興財団"
            hub.phone = "00-0000-0000"
            hub.email = f"info.{slug}@{DOMAIN}"
            hub.save()
        for local, names, role in [(f"chief.{slug}", chief, Role.CHIEF),
                                   (f"org.{slug}", org, Role.IMPL_ORG)] + [
            (f"coord{i}.{slug}", names, Role.COORDINATOR)
            for i, names in enumerate(coordinators, start=1)
        ]:
            user = _user(local, *names)
            _appoint(user, role, fy, hub=hub)
            logins.append((user.email, str(role.label), hub.name))
        _agencies(hub)
    _pending_proposal(fy)
    return logins


def _admin():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=f"admin@{DOMAIN}",
        defaults={"family_name": "管理", "given_name": "システム", "is_staff": True,
                  "is_superuser": True},
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    return (user.email, "システム管理者", "Django admin")


def _user(local: str, family: str, given: str):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=f"{local}@{DOMAIN}", defaults={"family_name": family, "given_name": given}
    )
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    return user


def _appoint(user, role, fy, *, hub=None, bureau=None):
    Appointment.objects.get_or_create(
        user=user, role=role, hub=hub, bureau=bureau, fiscal_year=fy,
        defaults={"starts_on": fiscal.fiscal_year_start(fy), "ends_on": fiscal.fiscal_year_end(fy),
                  "status": Appointment.Status.APPROVED},
    )


def _agencies(hub: Hub):
    """Each with a fictional address, so that a referral's one-time link is emailed (to a file
    under var/mail/ in development) and the agency's side can be tried."""
    for number, (name, kind, contact) in enumerate(AGENCIES, start=1):
        agency, _created = SupportAgency.objects.get_or_create(
            hub=hub, name=name.format(pref=hub.prefecture_ja),
            defaults={"kind": kind, "contact_person": contact},
        )
        if not agency.email:  # demo rows seeded before agencies had addresses
            email = f"agency{number}.{hub.jis_code}@{DOMAIN}"
            SupportAgency.objects.filter(pk=agency.pk).update(email=email)


def _pending_proposal(fy):
    """A coordinator proposed at the Tokyo hub, so the Kanto bureau has something to approve."""
    hub = Hub.objects.get(jis_code="13")
    user = _user("coord3.tokyo", "森", "陽菜")
    chief = get_user_model().objects.get(email=f"chief.tokyo@{DOMAIN}")
    today = fiscal.today()
    Appointment.objects.get_or_create(
        user=user, role=Role.COORDINATOR, hub=hub, fiscal_year=fy,
        defaults={"starts_on": today, "ends_on": fiscal.fiscal_year_end(fy),
                  "status": Appointment.Status.PROPOSED, "proposed_by": chief,
                  "proposed_name": "森 陽菜",
                  "note": "IT・DX分野の専門家として採用予定"},
    )
