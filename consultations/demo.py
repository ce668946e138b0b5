"""Demo consultation activity for the four demo hubs: clients, cases, sessions and referrals
over the previous and the current fiscal year, up to yesterday. Every business, person, phone
number and corporate number here is fictional (landline subscriber numbers start with 0,
which is never assigned).

Deterministic for a given day (one random.Random per hub, with a fixed seed) and idempotent: a
hub that already has any client is left alone. Everything is written with bulk_create, so the
four hubs take a few seconds even on SQLite."""

import copy
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from hubs.models import Appointment, Hub, SupportAgency
from hubs.roles import Role
from yorozu.core import fiscal

from .models import Case, CaseTopic, Client, Industry, Referral, Session, Topic
from .summaries import summaries_rebuild
from .tallies import REFERRALS, tallies_rebuild, tallies_refresh
from .validators import corporate_number_check_digit

TOKYO = ZoneInfo("Asia/Tokyo")
SEED = "yorozu-demo-activity-v1"
DEMO_HUB_CODES = ("13", "04", "27", "40")
EMAIL_DOMAIN = "example.jp"

# Per hub: landline area code and municipalities (names only; no addresses).
HUB_PLACES = {
    "13": ("03", ["千代田区", "中央区", "港区", "新宿区", "台東区", "墨田区", "大田区",
                  "世田谷区", "板橋区", "足立区", "八王子市", "立川市", "町田市", "府中市"]),
    "04": ("022", ["仙台市青葉区", "仙台市宮城野区", "仙台市若林区", "仙台市泉区", "石巻市",
                   "塩竈市", "気仙沼市", "名取市", "多賀城市", "大崎市", "富谷市", "白石市"]),
    "27": ("06", ["大阪市北区", "大阪市中央区", "大阪市西区", "大阪市浪速区", "東大阪市",
                  "堺市堺区", "豊中市", "吹田市", "枚方市", "八尾市", "守口市", "岸和田市"]),
    "40": ("092", ["福岡市博多区", "福岡市中央区", "福岡市東区", "福岡市早良区",
                   "北九州市小倉北区", "北九州市八幡西区", "久留米市", "飯塚市", "大牟田市",
                   "糸島市", "春日市", "宗像市"]),
}

# (kanji, katakana, romaji): the first half of a business name.
STEMS = [
    ("青葉", "アオバ", "aoba"), ("旭", "アサヒ", "asahi"),
    ("大和", "ヤマト", "yamato"), ("東雲", "シノノメ", "shinonome"),
    ("みなと", "ミナト", "minato"), ("若竹", "ワカタケ", "wakatake"),
    ("光和", "コウワ", "kowa"), ("三栄", "サンエイ", "san-ei"),
    ("日進", "ニッシン", "nisshin"), ("北斗", "ホクト", "hokuto"),
    ("丸正", "マルショウ", "marusho"), ("泉", "イズミ", "izumi"),
    ("千歳", "チトセ", "chitose"), ("明星", "ミョウジョウ", "myojo"),
    ("さくら", "サクラ", "sakura"), ("ひかり", "ヒカリ", "hikari"),
    ("大樹", "タイジュ", "taiju"), ("共栄", "キョウエイ", "kyoei"),
    ("富士見", "フジミ", "fujimi"), ("松風", "マツカゼ", "matsukaze"),
    ("葵", "アオイ", "aoi"), ("寿", "コトブキ", "kotobuki"),
    ("新星", "シンセイ", "shinsei"), ("瑞穂", "ミズホ", "mizuho"),
    ("朝日野", "アサヒノ", "asahino"), ("白鷺", "シラサギ", "shirasagi"),
    ("紬", "ツムギ", "tsumugi"), ("結", "ユイ", "yui"),
    ("凪", "ナギ", "nagi"), ("翠", "ミドリ", "midori"),
]
# (kanji, katakana, romaji, JSIC division): the second half, which decides the industry.
TRADES = [
    ("精工", "セイコウ", "seiko", "E"), ("製作所", "セイサクショ", "ss", "E"),
    ("工業", "コウギョウ", "kogyo", "E"), ("食品", "ショクヒン", "foods", "E"),
    ("化成", "カセイ", "kasei", "E"), ("建設", "ケンセツ", "kensetsu", "D"),
    ("工務店", "コウムテン", "komuten", "D"), ("設備", "セツビ", "setsubi", "D"),
    ("システムズ", "システムズ", "systems", "G"), ("ソフト", "ソフト", "soft", "G"),
    ("デザイン", "デザイン", "design", "L"), ("運輸", "ウンユ", "unyu", "H"),
    ("物流", "ブツリュウ", "logi", "H"), ("商事", "ショウジ", "shoji", "I"),
    ("商会", "ショウカイ", "shokai", "I"), ("物産", "ブッサン", "bussan", "I"),
    ("不動産", "フドウサン", "estate", "K"), ("農園", "ノウエン", "farm", "A"),
    ("水産", "スイサン", "suisan", "B"), ("観光", "カンコウ", "kanko", "M"),
    ("フーズ", "フーズ", "foods", "M"), ("ケアサービス", "ケアサービス", "care", "P"),
    ("教育研究所", "キョウイクケンキュウジョ", "edu", "O"),
]
CORPORATE_FORMS = [("株式会社", 7), ("有限会社", 2), ("合同会社", 2)]
# Sole proprietors: (pattern, kana pattern, JSIC division); {f}/{fk} is a family name.
SHOPS = [
    ("{f}理容室", "{fk}リヨウシツ", "N"), ("美容室{s}", "ビヨウシツ{sk}", "N"),
    ("{f}鍼灸院", "{fk}シンキュウイン", "P"), ("{s}ベーカリー", "{sk}ベーカリー", "E"),
    ("カフェ{s}", "カフェ{sk}", "M"), ("食堂{f}", "ショクドウ{fk}", "M"),
    ("{s}酒店", "{sk}サケテン", "I"), ("{f}青果店", "{fk}セイカテン", "I"),
    ("{f}税務会計事務所", "{fk}ゼイムカイケイジムショ", "L"), ("{f}塗装", "{fk}トソウ", "D"),
    ("{s}写真館", "{sk}シャシンカン", "N"), ("{f}農園", "{fk}ノウエン", "A"),
    ("民宿{s}", "ミンシュク{sk}", "M"), ("{s}工房", "{sk}コウボウ", "E"),
    ("{f}デザイン事務所", "{fk}デザインジムショ", "L"), ("{s}珈琲店", "{sk}コーヒーテン", "M"),
]
# (kanji, katakana, romaji)
FAMILY = [
    ("青木", "アオキ", "aoki"), ("石井", "イシイ", "ishii"),
    ("上田", "ウエダ", "ueda"), ("岡本", "オカモト", "okamoto"),
    ("金子", "カネコ", "kaneko"), ("菊地", "キクチ", "kikuchi"),
    ("工藤", "クドウ", "kudo"), ("小西", "コニシ", "konishi"),
    ("斎藤", "サイトウ", "saito"), ("柴田", "シバタ", "shibata"),
    ("菅原", "スガワラ", "sugawara"), ("関口", "セキグチ", "sekiguchi"),
    ("高田", "タカダ", "takada"), ("千葉", "チバ", "chiba"),
    ("土屋", "ツチヤ", "tsuchiya"), ("中島", "ナカジマ", "nakajima"),
    ("西村", "ニシムラ", "nishimura"), ("野口", "ノグチ", "noguchi"),
    ("橋本", "ハシモト", "hashimoto"), ("平野", "ヒラノ", "hirano"),
    ("藤田", "フジタ", "fujita"), ("星野", "ホシノ", "hoshino"),
    ("前田", "マエダ", "maeda"), ("宮崎", "ミヤザキ", "miyazaki"),
    ("村上", "ムラカミ", "murakami"), ("森田", "モリタ", "morita"),
    ("安田", "ヤスダ", "yasuda"), ("横山", "ヨコヤマ", "yokoyama"),
]
GIVEN = [
    ("明", "アキラ"), ("浩二", "コウジ"), ("聡", "サトシ"), ("隆", "タカシ"), ("直樹", "ナオキ"),
    ("博之", "ヒロユキ"), ("正人", "マサト"), ("良太", "リョウタ"), ("和也", "カズヤ"),
    ("健太", "ケンタ"), ("陽子", "ヨウコ"), ("恵美", "エミ"), ("久美子", "クミコ"),
    ("真由美", "マユミ"), ("智美", "トモミ"), ("裕子", "ユウコ"), ("綾香", "アヤカ"),
    ("奈々", "ナナ"), ("千尋", "チヒロ"), ("沙織", "サオリ"),
]

TOPIC_WEIGHTS = {"sales": 20, "turnaround": 9, "startup": 4, "succession": 6, "finance": 12,
                 "it_dx": 12, "hr": 6, "overseas": 3, "ip": 3, "productivity": 8, "policy": 9,
                 "other": 2}
# Per topic: (summary, proposal) pairs for a session.
TOPIC_TEXT = {
    "sales": [
        ("主力商品の売上が前年比で減少。販路の偏りと価格設定について相談。",
         "顧客層を整理し、新規顧客向けの商品構成と価格帯の見直しを提案。"),
        ("ECサイトを開設したが注文が伸びない。商品ページと集客方法を確認。",
         "商品写真と説明文の改善、SNSでの発信頻度を週3回に増やすことを提案。"),
        ("展示会への出展を検討中。出展の目的と費用対効果について相談。",
         "名刺獲得後のフォロー手順を決めてから出展することを提案。"),
    ],
    "turnaround": [
        ("2期連続の赤字。固定費の内訳と部門別の採算を確認。",
         "不採算部門の縮小と、月次で損益を把握する仕組みづくりを提案。"),
        ("原材料費の高騰で粗利が低下。価格転嫁の進め方を相談。",
         "取引先ごとの価格改定案と交渉用の説明資料の作成を提案。"),
    ],
    "startup": [
        ("飲食店の開業を計画中。立地と開業資金の見込みについて相談。",
         "創業計画書の作成と、自己資金・借入の資金計画の整理を提案。"),
        ("副業で始めた事業を本業にしたい。開業手続きと事業計画を確認。",
         "開業届と青色申告の手続き、売上見込みの根拠づくりを提案。"),
    ],
    "succession": [
        ("代表者が高齢で後継者が未定。親族内承継と第三者承継の違いを相談。",
         "事業承継・引継ぎ支援センターへの相談と、株式・資産の棚卸しを提案。"),
        ("長男への事業承継を予定。承継時期と社内への説明について相談。",
         "事業承継計画の作成と、後継者の経営参画の段取りを提案。"),
    ],
    "finance": [
        ("季節変動で資金繰りが厳しい。資金繰り表の作り方を相談。",
         "12か月の資金繰り表を作成し、金融機関との早めの相談を提案。"),
        ("設備投資のための借入を検討。返済計画の妥当性を確認。",
         "投資効果の試算と、保証協会付き融資を含めた調達方法の比較を提案。"),
    ],
    "it_dx": [
        ("受発注を紙とFAXで管理しており、入力ミスが多い。業務の流れを確認。",
         "クラウド型の受発注システムの比較と、段階的な導入手順を提案。"),
        ("インボイス制度への対応と会計ソフトの選定について相談。",
         "請求書発行と会計処理を一体で行えるソフトの導入を提案。"),
        ("ホームページが古く、スマートフォンで見づらい。改修の進め方を相談。",
         "掲載内容の整理と、問い合わせ導線を中心にした改修を提案。"),
    ],
    "hr": [
        ("若手の採用が難しく、応募が集まらない。求人内容を確認。",
         "仕事内容と働き方を具体的に書いた求人票への改善を提案。"),
        ("従業員の定着率が低い。評価と処遇の仕組みを相談。",
         "簡易な評価シートと面談の定例化を提案。"),
    ],
    "overseas": [
        ("台湾への販路開拓を検討。輸出の手続きと商談の進め方を相談。",
         "ジェトロの相談窓口と海外向け商談会の活用を提案。"),
    ],
    "ip": [
        ("新商品のネーミングについて商標登録の要否を相談。",
         "先行商標の調査と、INPIT知財総合支援窓口での相談を提案。"),
    ],
    "productivity": [
        ("製造現場の段取り替えに時間がかかる。作業工程を確認。",
         "作業手順の標準化と、工程ごとの時間計測を提案。"),
        ("人手不足のため業務の効率化を図りたい。作業の棚卸しを実施。",
         "重複作業の削減と、省力化設備の導入検討を提案。"),
    ],
    "policy": [
        ("小規模事業者持続化補助金の申請を検討。事業計画の書き方を相談。",
         "補助事業の目的と効果を明確にした計画書の構成を提案。"),
        ("ものづくり補助金の対象となるか確認したい。投資計画を確認。",
         "公募要領の要件を確認し、付加価値額の算定根拠の整理を提案。"),
    ],
    "other": [
        ("今後の経営全般について相談。現状の課題を整理。",
         "課題の優先順位づけと、次回までの取り組み事項の設定を提案。"),
    ],
}
FOLLOW_UP_SUMMARY = [
    "前回の提案の進捗を確認。{}",
    "取り組み状況を確認し、課題を再整理。{}",
    "作成した資料を確認し、修正点を助言。{}",
    "実施結果を確認。{}",
]
NEXT_STEPS = [
    "資金繰り表を作成して次回持参", "見積書を取り寄せて比較", "事業計画書の案を作成",
    "補助金の公募要領を確認", "取引先への価格改定の打診", "試作品の写真を準備",
    "求人票を修正して掲載", "ホームページの掲載内容を整理", "金融機関に相談の予約",
    "従業員へのヒアリングを実施",
]
OUTCOMES = {
    Case.Status.RESOLVED: [
        "新商品の販路が確保でき、売上が回復傾向。",
        "補助金が採択され、設備を導入。",
        "融資が実行され、資金繰りが安定。",
        "業務の見直しにより作業時間を約2割削減。",
        "事業計画を作成し、予定どおり開業。",
        "後継者が決まり、承継計画を作成。",
    ],
    Case.Status.CLOSED: [
        "相談者の都合により支援を中断。",
        "連絡が取れなくなったため終了。",
        "他の支援機関での支援に移行したため終了。",
    ],
}
# Per agency kind: (reason, what the agency reported back).
REFERRAL_TEXT = {
    SupportAgency.Kind.CHAMBER_OF_COMMERCE: (
        "持続化補助金の申請に向けて、経営計画づくりの伴走支援をお願いしたい。",
        "経営計画の作成を支援し、補助金の申請が完了しました。"),
    SupportAgency.Kind.SOCIETY_OF_COMMERCE: (
        "記帳・税務の継続的な指導をお願いしたい。",
        "記帳指導を開始し、月1回の巡回で対応しています。"),
    SupportAgency.Kind.FINANCIAL: (
        "運転資金の借入について、返済計画を含めて相談に乗っていただきたい。",
        "融資の審査を行い、運転資金の融資を実行しました。"),
    SupportAgency.Kind.CREDIT_GUARANTEE: (
        "保証付き融資と経営改善計画の策定支援について相談したい。",
        "経営改善計画の策定を支援し、保証付き融資の手続きが完了しました。"),
    SupportAgency.Kind.RESEARCH: (
        "試作品の強度試験と技術的な改良点について相談したい。",
        "依頼試験を実施し、改良点を助言しました。"),
    SupportAgency.Kind.MUNICIPALITY: (
        "特定創業支援等事業の受講と市の創業補助金について案内をお願いしたい。",
        "創業セミナーを受講され、証明書を発行しました。"),
    SupportAgency.Kind.PROFESSIONAL: (
        "事業承継に伴う株価評価と承継計画について専門家の支援をお願いしたい。",
        "専門家を派遣し、株価評価と承継スケジュールを作成しました。"),
}
REFERRAL_DEFAULT_TEXT = ("専門的な支援をお願いしたい。", "支援を実施しました。")
HANDED_OVER = [
    "相談概要、決算書（直近2期）",
    "相談概要、事業計画書（案）",
    "相談概要、資金繰り表",
    "相談概要のみ（相談者の同意済み）",
]
CLOSING_NOTES = {
    Referral.Status.CLOSED: ["報告を確認し、相談者にも結果を確認した。",
                             "報告内容を案件の記録に反映し、連携を完了。"],
    Referral.Status.LAPSED: ["先方から連絡がなく、相談者にも確認のうえ終了。",
                             "相談者の意向で紹介を取りやめた。"],
}

CHANNELS = [(Session.Channel.VISIT, 40), (Session.Channel.ONLINE, 22),
            (Session.Channel.PHONE, 14), (Session.Channel.OUTREACH, 14),
            (Session.Channel.EMAIL, 10)]
DURATIONS = {Session.Channel.VISIT: [60, 60, 90, 90, 120], Session.Channel.OUTREACH: [60, 90, 120],
             Session.Channel.ONLINE: [30, 60, 60, 90], Session.Channel.PHONE: [15, 20, 30, 30, 45],
             Session.Channel.EMAIL: [15, 20, 30]}
SESSIONS_PER_CASE = [1, 2, 3, 4, 5, 6, 7, 8]
SESSIONS_WEIGHTS = [3, 5, 8, 11, 14, 17, 19, 21]


def _choice(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def _weekday(day: date, *, not_after: date) -> date:
    """Moves a weekend day to the next Monday, or back to Friday if Monday is too late."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    while day > not_after or day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


@dataclass
class _Plan:
    case: Case
    sessions: list = field(default_factory=list)
    coordinators: list = field(default_factory=list)  # per session: list of users
    topics: list = field(default_factory=list)


class _HubSeeder:
    def __init__(self, hub: Hub, *, today: date, topics, industries, agencies, staff, chief):
        self.hub = hub
        self.rng = random.Random(f"{SEED}:{hub.jis_code}")
        self.today = today
        self.first_day = fiscal.fiscal_year_start(fiscal.fiscal_year_of(today) - 1)
        self.last_day = _weekday(today - timedelta(days=1), not_after=today - timedelta(days=1))
        self.topics = topics
        self.industries = industries
        self.agencies = agencies
        self.staff = staff  # coordinators and the chief, in a fixed order
        self.lead_weights = [1 if user == chief else 3 for user in staff]
        self.area_code, self.municipalities = HUB_PLACES[hub.jis_code]
        self.names: set[str] = set()

    # --- Clients ---------------------------------------------------------------------------
    def _phone(self, mobile: bool) -> str:
        rng = self.rng
        if mobile:
            return f"0{rng.choice('89')}0-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"
        if len(self.area_code) == 2:
            return f"{self.area_code}-0{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"
        return f"{self.area_code}-0{rng.randint(10, 99)}-{rng.randint(0, 9999):04d}"

    def _person(self) -> tuple[str, str, str]:
        (family, family_kana, romaji), (given, given_kana) = (self.rng.choice(FAMILY),
                                                              self.rng.choice(GIVEN))
        return f"{family} {given}", f"{family_kana} {given_kana}", romaji

    def _corporate_number(self) -> str:
        base = "".join(str(self.rng.randint(0, 9)) for _ in range(12))
        return f"{corporate_number_check_digit(base)}{base}"

    def _client(self, number: int) -> Client:
        rng = self.rng
        kind = _choice(rng, [(Client.Kind.CORPORATION, 60), (Client.Kind.SOLE, 28),
                             (Client.Kind.STARTUP, 12)])
        representative = self._person()[0]
        data = {"corporate_number": "", "employees": None, "capital": None, "email": ""}
        for _attempt in range(20):
            stem, stem_kana, stem_romaji = rng.choice(STEMS)
            if kind == Client.Kind.CORPORATION:
                trade, trade_kana, trade_romaji, industry = rng.choice(TRADES)
                form = _choice(rng, CORPORATE_FORMS)
                base = f"{stem}{trade}"
                name = f"{form}{base}" if rng.random() < 0.6 else f"{base}{form}"
                kana, romaji = f"{stem_kana}{trade_kana}", f"{stem_romaji}-{trade_romaji}"
            elif kind == Client.Kind.SOLE:
                pattern, kana_pattern, industry = rng.choice(SHOPS)
                family, family_kana, family_romaji = rng.choice(FAMILY)
                name = pattern.format(f=family, s=stem)
                kana = kana_pattern.format(fk=family_kana, sk=stem_kana)
                romaji = family_romaji if "{f}" in pattern else stem_romaji
            else:
                name, kana, romaji = self._person()
                industry = rng.choice(["M", "I", "N", "G", "L", "P"])
                representative = name
            if name not in self.names:
                break
        self.names.add(name)
        if kind == Client.Kind.CORPORATION:
            small = "合同会社" in name or "有限会社" in name
            data["employees"] = rng.choice([2, 3, 5, 8, 12, 18, 25, 40, 60, 95])
            millions = [1, 3, 5] if small else [3, 5, 10, 10, 20, 30, 50]
            data["capital"] = rng.choice(millions) * 1_000_000
            if rng.random() < 0.65:
                data["corporate_number"] = self._corporate_number()
        elif kind == Client.Kind.SOLE:
            data["employees"] = rng.choice([0, 1, 1, 2, 3, 5])
        if rng.random() < 0.55:
            data["email"] = f"{romaji}{number}@{EMAIL_DOMAIN}"
        corporate = kind == Client.Kind.CORPORATION
        contact = self._person()[0] if corporate and rng.random() < 0.4 else ""
        return Client(
            hub=self.hub, name=name, name_kana=kana, kind=kind,
            industry=self.industries.get(industry), municipality=rng.choice(self.municipalities),
            representative=representative, contact_person=contact,
            phone=self._phone(mobile=kind != Client.Kind.CORPORATION and rng.random() < 0.6),
            survey_consent=rng.random() < 0.85, **data)

    # --- Cases and sessions ----------------------------------------------------------------
    def _topics(self, client: Client) -> list:
        rng = self.rng
        chosen = ["startup"] if client.kind == Client.Kind.STARTUP else []
        wanted = _choice(rng, [(1, 5), (2, 4), (3, 1)])
        codes = [c for c in TOPIC_WEIGHTS if c in self.topics and c != "startup"]
        while len(chosen) < wanted:
            code = rng.choices(codes, weights=[TOPIC_WEIGHTS[c] for c in codes])[0]
            if code not in chosen:
                chosen.append(code)
        return chosen

    def _case(self, client: Client, opened_from: date) -> _Plan | None:
        rng = self.rng
        first = _weekday(opened_from, not_after=self.last_day)
        if first < opened_from or first > self.last_day:
            return None
        topic_codes = self._topics(client)
        depth = _choice(rng, [(Case.Depth.EXPERT, 70), (Case.Depth.POLICY, 22),
                              (Case.Depth.REFERRAL, 8)])
        if depth == Case.Depth.POLICY and "policy" not in topic_codes and len(topic_codes) < 3:
            topic_codes.append("policy")
        planned = (rng.choice([1, 1, 2]) if depth == Case.Depth.REFERRAL
                   else rng.choices(SESSIONS_PER_CASE, weights=SESSIONS_WEIGHTS)[0])
        days, day = [first], first
        for _ in range(planned - 1):
            day = day + timedelta(days=rng.randint(5, 35))
            if day > self.last_day:
                break
            day = _weekday(day, not_after=self.last_day)
            if day <= days[-1]:
                break
            days.append(day)
        truncated = len(days) < planned
        staff = self.staff
        lead = rng.choices(staff, weights=self.lead_weights)[0]
        case = Case(hub=self.hub, client=client, lead=lead, depth=depth, opened_on=first,
                    created_by=lead)
        recent = days[-1] > self.today - timedelta(days=45)
        if truncated or recent:
            case.status = Case.Status.OPEN
        else:
            case.status = _choice(rng, [(Case.Status.RESOLVED, 70), (Case.Status.CLOSED, 20),
                                        (Case.Status.OPEN, 10)])
        if case.status != Case.Status.OPEN:
            case.closed_on = min(days[-1] + timedelta(days=rng.randint(0, 21)), self.last_day)
            case.outcome = rng.choice(OUTCOMES[case.status])
        plan = _Plan(case=case, topics=[self.topics[c] for c in topic_codes])
        for index, held_on in enumerate(days):
            last = index == len(days) - 1
            plan.sessions.append(self._session(case, held_on, topic_codes, index, last))
            others = [u for u in staff if u != lead]
            present = [lead] + ([rng.choice(others)] if others and rng.random() < 0.3 else [])
            plan.coordinators.append(present)
        return plan

    def _session(self, case: Case, held_on: date, topic_codes, index: int,
                 last: bool) -> Session:
        rng = self.rng
        channel = _choice(rng, CHANNELS) if index else _choice(
            rng, [(Session.Channel.VISIT, 60), (Session.Channel.ONLINE, 25),
                  (Session.Channel.OUTREACH, 10), (Session.Channel.PHONE, 5)])
        duration = rng.choice(DURATIONS[channel])
        start = time(rng.randint(9, 15), rng.choice([0, 30]))
        summary, proposal = rng.choice(TOPIC_TEXT.get(rng.choice(topic_codes),
                                                      TOPIC_TEXT["other"]))
        if index == 0:
            summary = f"初回相談。{summary}"
        else:
            summary = rng.choice(FOLLOW_UP_SUMMARY).format(summary)
        # Only the latest session of an open case carries a due date: the follow-up list shows
        # every dated next step of an open case, and earlier ones were done by the next visit.
        next_step, due = "", None
        if last and case.status == Case.Status.OPEN:
            next_step = rng.choice(NEXT_STEPS)
            due = held_on + timedelta(days=rng.randint(7, 30))
        elif not last and rng.random() < 0.35:
            next_step = rng.choice(NEXT_STEPS)
        session = Session(hub=self.hub, case=case, held_on=held_on, start_time=start,
                          duration_minutes=duration, channel=channel, summary=summary,
                          proposal="" if channel == Session.Channel.EMAIL and index else proposal,
                          next_step=next_step, next_step_due=due, created_by=case.lead)
        end = datetime.combine(held_on, start) + timedelta(minutes=duration)
        session.created_at = session.updated_at = end.replace(tzinfo=TOKYO)
        return session

    def plans(self) -> tuple[list[Client], list[_Plan]]:
        rng = self.rng
        span = (self.last_day - self.first_day).days
        clients, plans = [], []
        for number in range(1, rng.randint(100, 120) + 1):
            client = self._client(number)
            start = self.first_day + timedelta(days=rng.randint(0, span))
            client_plans = []
            while len(client_plans) < 3:
                plan = self._case(client, start)
                if plan is None:
                    break
                client_plans.append(plan)
                end = plan.case.closed_on or plan.sessions[-1].held_on
                if plan.case.status == Case.Status.OPEN or rng.random() < 0.45:
                    break
                start = end + timedelta(days=rng.randint(20, 150))
            if not client_plans:
                continue
            client.created_by = client_plans[0].case.lead
            client.created_at = client.updated_at = _at(client_plans[0].case.opened_on, 10)
            for plan in client_plans:
                plan.case.created_at = _at(plan.case.opened_on, 10, 5)
                # Sessions do not touch the case row: only closing it does.
                plan.case.updated_at = (_at(plan.case.closed_on, 17) if plan.case.closed_on
                                        else plan.case.created_at)
            clients.append(client)
            plans.extend(client_plans)
        return clients, plans

    # --- Referrals -------------------------------------------------------------------------
    def referrals(self, plans: list[_Plan]) -> list[Referral]:
        rng = self.rng
        if not self.agencies:
            return []
        candidates = [p for p in plans if p.case.depth == Case.Depth.REFERRAL]
        others = [p for p in plans if p.case.depth != Case.Depth.REFERRAL and len(p.sessions) > 1]
        wanted = max(16, round(len(plans) * 0.12))
        candidates += rng.sample(others, min(len(others), max(0, wanted - len(candidates))))
        referrals = []
        for plan in candidates:
            session = rng.choice(plan.sessions[1:] or plan.sessions)
            agency = rng.choice(self.agencies)
            reason, _ = REFERRAL_TEXT.get(agency.kind, REFERRAL_DEFAULT_TEXT)
            created = session.created_at + timedelta(minutes=rng.randint(10, 120))
            referral = Referral(
                hub=self.hub, case=plan.case, agency=agency,
                kind=Referral.Kind.JOINT if rng.random() < 0.25 else Referral.Kind.REFERRAL,
                reason=reason, handed_over=rng.choice(HANDED_OVER),
                follow_up_due=session.held_on + timedelta(days=rng.randint(14, 28)),
                created_by=plan.case.lead)
            referral.created_at = referral.updated_at = created
            referrals.append(referral)
        self._statuses(referrals)
        return referrals

    def _statuses(self, referrals: list[Referral]) -> None:
        """Every state occurs at every hub, and some open referrals are overdue: the most
        recent overdue ones (preferring open cases) are left open, the older ones mostly
        closed, and those not yet due are somewhere along the way."""
        rng, S = self.rng, Referral.Status
        due = [r for r in referrals if r.follow_up_due >= self.today]
        overdue = sorted((r for r in referrals if r.follow_up_due < self.today),
                         key=lambda r: (r.case.status == Case.Status.OPEN, r.created_at),
                         reverse=True)
        open_states = [S.SENT, S.ACKNOWLEDGED, S.ACTING, S.REPORTED]
        statuses = rng.sample(open_states, len(open_states)) + [S.CLOSED, S.LAPSED]
        statuses += rng.choices([S.CLOSED, S.REPORTED, S.LAPSED, S.ACTING],
                                weights=[14, 2, 3, 1], k=max(0, len(overdue) - len(statuses)))
        for referral, status in zip(overdue, statuses, strict=False):
            self._advance(referral, status)
        for referral in due:
            self._advance(referral, _choice(rng, [(S.SENT, 3), (S.ACKNOWLEDGED, 3),
                                                  (S.ACTING, 3), (S.REPORTED, 1)]))

    def _advance(self, referral: Referral, status: str) -> None:
        rng, S = self.rng, Referral.Status
        latest = _at(self.last_day, 18)  # nothing after yesterday evening

        def later(moment, low, high):
            step = moment + timedelta(days=rng.randint(low, high), hours=rng.randint(0, 4))
            return max(min(step, latest), moment + timedelta(minutes=30))

        referral.status = status
        _, report = REFERRAL_TEXT.get(referral.agency.kind, REFERRAL_DEFAULT_TEXT)
        moment = referral.created_at
        if status != S.SENT and not (status == S.LAPSED and rng.random() < 0.5):
            moment = referral.acknowledged_at = later(moment, 1, 5)
        if status in (S.REPORTED, S.CLOSED):
            moment = referral.reported_at = later(moment, 7, 35)
            referral.agency_note = report
        if status in (S.CLOSED, S.LAPSED):
            start = max(moment, _at(referral.follow_up_due, 9)) if status == S.LAPSED else moment
            moment = referral.closed_at = later(start, 1, 14)
            referral.closing_note = rng.choice(CLOSING_NOTES[status])
        referral.updated_at = moment
        if status != S.SENT:
            referral.version = 2 if status in (S.ACKNOWLEDGED, S.ACTING, S.LAPSED) else 3


def _history(model, objs, *, initial=None) -> None:
    """One "created" history record per row at its created_at (as the state it was created
    in, if `initial` says how), and a "changed" one when the row has moved on since."""
    created, changed = [], []
    for obj in objs:
        first = copy.copy(obj)
        if initial:
            for name, value in initial(obj).items():
                setattr(first, name, value)
        first._history_user, first._history_date = obj.created_by, obj.created_at
        created.append(first)
        if obj.updated_at > obj.created_at + timedelta(hours=1):
            obj._history_user, obj._history_date = obj.created_by, obj.updated_at
            changed.append(obj)
    model.history.bulk_history_create(created, batch_size=500)
    if changed:
        model.history.bulk_history_create(changed, batch_size=500, update=True)


@contextmanager
def _planned_stamps(model, fields):
    """created_at/updated_at are auto fields that bulk_create would set to now: while this
    lasts they keep the planned times given. (Updating them afterwards with bulk_update took
    over half of the seeding time, in building its CASE expressions.) Only the demo seeds
    this way, in its own process or test, never while requests are served."""
    auto = [model._meta.get_field(name) for name in fields]
    saved = [(f.auto_now, f.auto_now_add) for f in auto]
    for f in auto:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (now, now_add) in zip(auto, saved, strict=True):
            f.auto_now, f.auto_now_add = now, now_add


def _restamp(model, objs, fields=("created_at", "updated_at")) -> None:
    """Creates the rows with their planned times."""
    with _planned_stamps(model, fields):
        model.objects.bulk_create(objs, batch_size=500)


def _seed_hub(hub: Hub, *, today: date, topics, industries) -> dict[str, int]:
    staff_appointments = (Appointment.objects.active(today)
                          .filter(hub=hub, role__in=[Role.COORDINATOR, Role.CHIEF])
                          .select_related("user").order_by("role", "user__email"))
    staff, chief = [], None
    for appointment in staff_appointments:
        if appointment.user not in staff:
            staff.append(appointment.user)
        if appointment.role == Role.CHIEF:
            chief = appointment.user
    if not staff:
        return {}
    agencies = list(SupportAgency.objects.filter(hub=hub, is_active=True).order_by("name"))
    seeder = _HubSeeder(hub, today=today, topics=topics, industries=industries,
                        agencies=agencies, staff=staff, chief=chief)
    clients, plans = seeder.plans()

    _restamp(Client, clients)
    for plan in plans:
        plan.case.client_id = plan.case.client.pk
    cases = [plan.case for plan in plans]
    _restamp(Case, cases)
    CaseTopic.objects.bulk_create(
        [CaseTopic(case_id=plan.case.pk, topic_id=topic.pk, hub_id=plan.case.hub_id)
         for plan in plans for topic in plan.topics], batch_size=1000)
    sessions = []
    for plan in plans:
        for session in plan.sessions:
            session.case_id = plan.case.pk
            sessions.append(session)
    _restamp(Session, sessions)
    Session.coordinators.through.objects.bulk_create(
        [Session.coordinators.through(session_id=session.pk, user_id=user.pk)
         for plan in plans for session, present in zip(plan.sessions, plan.coordinators,
                                                       strict=True)
         for user in present], batch_size=1000)
    summaries_rebuild(hub_ids=[hub.pk])
    tallies_rebuild(hub_ids=[hub.pk])
    referrals = seeder.referrals(plans)
    for referral in referrals:
        referral.case_id = referral.case.pk
    _restamp(Referral, referrals)
    tallies_refresh(REFERRALS, months=[(r.hub_id, r.follow_up_due) for r in referrals])

    _history(Client, clients)
    _history(Case, cases, initial=lambda c: {"status": Case.Status.OPEN, "closed_on": None,
                                             "outcome": ""})
    _history(Session, sessions)
    _history(Referral, referrals, initial=lambda r: {
        "status": Referral.Status.SENT, "acknowledged_at": None, "reported_at": None,
        "closed_at": None, "agency_note": "", "closing_note": ""})
    return {"clients": len(clients), "cases": len(cases), "sessions": len(sessions),
            "referrals": len(referrals)}


@transaction.atomic
def seed_activity(today: date | None = None) -> dict[str, int]:
    """Adds consultation activity to each demo hub that has none yet (a hub with any client
    is left alone). Returns how many hubs got activity now ("added") and how many clients,
    cases, sessions and referrals the demo hubs hold afterwards."""
    today = today or fiscal.today()
    topics = {t.code: t for t in Topic.objects.filter(is_active=True)}
    industries = {i.code: i for i in Industry.objects.all()}
    hubs = list(Hub.objects.filter(jis_code__in=DEMO_HUB_CODES).order_by("jis_code"))
    added = 0
    for hub in hubs:
        if not Client.objects.filter(hub=hub).exists():
            added += bool(_seed_hub(hub, today=today, topics=topics, industries=industries))
    return {"added": added, **{name: model.objects.filter(hub__in=hubs).count()
                               for name, model in [("clients", Client), ("cases", Case),
                                                   ("sessions", Session),
                                                   ("referrals", Referral)]}}
