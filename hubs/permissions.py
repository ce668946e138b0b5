"""The registry of object permissions on hubs.Hub that the apps above hubs declare.

Every permission of the application is checked on a hub (or globally, for HQ), because
hub-owned rows inherit access from their hub. hubs keeps its own permissions in
Hub.Meta.permissions and the role map in hubs/roles.py; an app above (evaluation, plans,
surveys, ...) declares its own here, from its permissions.py, with the roles that hold each:

    VIEW_PLAN = register("view_plan", _("Can see the hub's annual plan"),
                         roles={Role.COORDINATOR, Role.CHIEF, Role.IMPL_ORG, Role.BUREAU,
                                Role.HQ})

A hub role holds it on its hub, the bureau role on every hub of its bureau, HQ everywhere.
After every migrate, hubs creates the Permission rows for hubs.Hub from this registry and
grants the role groups again (hubs.signals.load_reference_data), so a new permission needs no
hubs migration. hubs imports nothing from the apps that register here."""

from dataclasses import dataclass

from .roles import Role


@dataclass(frozen=True)
class HubPermission:
    codename: str
    label: str
    roles: frozenset[str]


_REGISTRY: dict[str, HubPermission] = {}


def register(codename: str, label, *, roles) -> str:
    """Declares a permission on hubs.Hub. Returns the codename, for the app's constant.
    Registering the same codename again (a module imported twice) must say the same thing."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles for {codename}: {sorted(unknown)}")
    permission = HubPermission(codename, label, frozenset(roles))
    known = _REGISTRY.setdefault(codename, permission)
    if known != permission:
        raise ValueError(f"permission {codename} registered twice, differently")
    return codename


def registered() -> list[HubPermission]:
    return sorted(_REGISTRY.values(), key=lambda p: p.codename)


def codenames_for(role: str) -> frozenset[str]:
    """The registered codenames a role holds (on its hub, its bureau's hubs, or all hubs)."""
    return frozenset(p.codename for p in _REGISTRY.values() if role in p.roles)


def permissions_create() -> None:
    """Creates the missing Permission rows of the registered codenames on hubs.Hub, as
    Django's create_permissions does for Meta.permissions (existing rows keep their name).
    Runs after migrate, before the role groups are granted again."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    from .models import Hub

    content_type = ContentType.objects.get_for_model(Hub)
    for permission in registered():
        Permission.objects.get_or_create(
            content_type=content_type, codename=permission.codename,
            defaults={"name": str(permission.label)[:255]})
