"""What the logged-in user may do at which hub, read once per request from django-guardian's
tables. Grants go to role groups (see services.access_sync_for_user), never to single users,
so one small query answers every permission question a page asks."""

from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection

from yorozu.core.errors import WorkflowError

from .models import BureauGroupObjectPermission, Hub, HubGroupObjectPermission

CACHE_ATTR = "_yorozu_hub_access"


@dataclass(frozen=True)
class HubAccess:
    everywhere: frozenset[str] = frozenset()
    by_hub: dict[int, frozenset[str]] = field(default_factory=dict)
    bureau_ids: frozenset[int] = frozenset()

    def can(self, perm: str, hub_id: int | None) -> bool:
        return perm in self.everywhere or perm in self.by_hub.get(hub_id, frozenset())

    def hub_ids(self, perm: str) -> frozenset[int] | None:
        """The hubs where the user holds `perm`; None means every hub."""
        if perm in self.everywhere:
            return None
        return frozenset(h for h, perms in self.by_hub.items() if perm in perms)

    def anywhere(self, perm: str) -> bool:
        return perm in self.everywhere or any(perm in p for p in self.by_hub.values())

    @property
    def is_national(self) -> bool:
        return bool(self.everywhere)

    @property
    def visible_hub_ids(self) -> frozenset[int] | None:
        """Every hub where the user holds anything (the database's second wall); None: all."""
        return None if self.is_national else frozenset(self.by_hub)


NO_ACCESS = HubAccess()


class NotAllowed(WorkflowError, PermissionDenied):
    """The user's role does not allow this. The one exception of every permission check: a
    PermissionDenied, so one that reaches Django is a 403 page; a WorkflowError, so a view that
    turns refused actions into a message does so for this one too."""


def require(user, perm: str, hub=None) -> None:
    """Raises NotAllowed unless the user holds `perm` at `hub` (a hub or its id); with no hub,
    unless they hold it at every hub (HQ's permissions)."""
    if not hub_access(user).can(perm, getattr(hub, "pk", hub)):
        raise NotAllowed(perm)


# Only this module holds the key: an AuthorisedHub made anywhere else fails at construction.
_KEY = object()


@dataclass(frozen=True)
class AuthorisedHub:
    """A hub together with the user (and permission) that the access check found there: what
    a selector takes instead of a bare hub, so that every read of a hub's rows starts from the
    user. Made only by `authorise` (a view's or service's check) or, for background jobs,
    `authorise_for_job` (docs/permissions.md, *One door*); built by hand it raises TypeError."""

    user: object  # None only for a job's system path
    hub: object  # a hubs.models.Hub
    perm: str
    key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.key is not _KEY:
            raise TypeError("An AuthorisedHub is made only by hubs.access.authorise().")

    # No `pk`: a selector reads `.hub` or `.ids`, which a bare Hub passed by mistake lacks,
    # so the mistake fails at once instead of quietly filtering by the Hub's own pk.
    @property
    def ids(self) -> list[int]:
        """The hub as the id list the figures' querysets take."""
        return [self.hub.pk]


def authorise(user, perm: str, hub) -> AuthorisedHub:
    """The hub (a Hub row) for reading as `user`: raises NotAllowed, like `require`, unless
    they hold `perm` there. Views find the hub with `hub_for_user_or_404` first (or call
    `hubs.scoping.authorised_hub_or_404`), so another hub still answers 404."""
    require(user, perm, hub)
    return AuthorisedHub(user, hub, perm, _KEY)


def authorise_for_job(hub, perm: str, *, job_id: int) -> AuthorisedHub:
    """The system path of a background job: the job's own hub, recorded on its row when it was
    started (by a user who held the kind's permission there, or by the schedule), read with no
    user. Called only by yorozu.jobs.services.job_hub (tests/hubs/test_authorised_hub.py checks);
    whoever reads the job's result is checked again at the jobs page."""
    if hub is None or not job_id:
        raise NotAllowed(perm)
    return AuthorisedHub(None, hub, perm, _KEY)


def is_hq(user) -> bool:
    """National HQ: the one role whose permissions hold at every hub."""
    return hub_access(user).is_national


def hub_access(user) -> HubAccess:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, CACHE_ATTR, None)
    if cached is None:
        cached = _load(user)
        setattr(user, CACHE_ATTR, cached)
    return cached


def hub_access_forget(user) -> None:
    if hasattr(user, CACHE_ATTR):
        delattr(user, CACHE_ATTR)


def _load(user) -> HubAccess:
    """The user's permissions by hub, their bureaus, and the hub permissions they hold
    everywhere, in one round trip (every request reads them before its view runs)."""
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(), {"user": user.pk, "app_label": Hub._meta.app_label,
                                       "model": Hub._meta.model_name,
                                       "view_bureau": "view_bureau"})
        rows = cursor.fetchall()
    by_hub: dict[int, set[str]] = {}
    bureau_ids, everywhere = set(), set()
    for kind, object_id, codename in rows:
        if kind == "hub":
            by_hub.setdefault(object_id, set()).add(codename)
        elif kind == "bureau":
            bureau_ids.add(object_id)
        else:
            everywhere.add(codename)
    return HubAccess(
        everywhere=frozenset(everywhere),
        by_hub={hub_id: frozenset(perms) for hub_id, perms in by_hub.items()},
        bureau_ids=frozenset(bureau_ids),
    )


@cache
def _access_sql() -> str:
    """The three questions as one statement, with the tables' names from the models (no
    lookup cached per process: a page's query count is the same on its first request): the
    groups' object permissions on hubs and on bureaus (guardian's direct foreign keys), and
    the groups' plain permissions on the Hub model (HQ's, which hold at every hub)."""
    user_groups = get_user_model().groups.through._meta
    group_perms = Group.permissions.through._meta
    permission = Permission._meta.db_table

    def object_perms(model, kind: str, only: str = "") -> str:
        table = model._meta.db_table
        return (f"SELECT '{kind}', o.content_object_id, p.codename FROM {table} o "
                f"JOIN {user_groups.db_table} ug ON ug.group_id = o.group_id "
                f"JOIN {permission} p ON p.id = o.permission_id "
                f"WHERE ug.user_id = %(user)s{only}")

    return " UNION ALL ".join([
        object_perms(HubGroupObjectPermission, "hub"),
        object_perms(BureauGroupObjectPermission, "bureau",
                     " AND p.codename = %(view_bureau)s"),
        f"SELECT 'everywhere', NULL, p.codename FROM {permission} p "
        f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
        f"JOIN {group_perms.db_table} gp ON gp.permission_id = p.id "
        f"JOIN {user_groups.db_table} ug ON ug.group_id = gp.group_id "
        f"WHERE ug.user_id = %(user)s AND ct.app_label = %(app_label)s "
        f"AND ct.model = %(model)s",
    ])
