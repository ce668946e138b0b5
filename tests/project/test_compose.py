"""docker-compose.yml, read as Compose reads it (there is no Docker engine in CI): the
properties a production stack needs, so that none of them can go away unnoticed."""

import re

import pytest
import yaml
from django.conf import settings

COMPOSE_TEXT = (settings.BASE_DIR / "docker-compose.yml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
APP = ["migrate", "web", "worker", "beat"]


def _seconds(duration: str) -> int:
    """Compose's durations as written here: "31m", "1h30m", "90s"."""
    parts = re.findall(r"(\d+)([hms])", duration)
    assert "".join(n + u for n, u in parts) == duration, f"unreadable duration {duration!r}"
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)


def test_the_app_image_is_built_once_and_shared():
    builders = [name for name, service in SERVICES.items() if "build" in service]
    assert builders == ["web"]
    assert {SERVICES[name]["image"] for name in APP} == {SERVICES["web"]["image"]}
    # The others never pull an image of that name from a registry.
    assert all(SERVICES[name]["pull_policy"] == "never" for name in APP)


def test_every_image_from_a_registry_is_pinned():
    for name, service in SERVICES.items():
        if name in APP:
            continue
        repository, _, tag = service["image"].rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {service['image']}"
    assert SERVICES["minio"]["image"].split(":")[1].startswith("RELEASE.")


def test_only_the_proxy_publishes_a_port_and_only_it_shares_a_network_with_web():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["proxy"]
    assert "ports" not in SERVICES["web"] and SERVICES["web"]["expose"] == ["8000"]
    on_edge = sorted(name for name, service in SERVICES.items()
                     if "edge" in service.get("networks", []))
    assert on_edge == ["proxy", "web"]
    # The proxy is believed because it comes from the edge network's subnet.
    subnet = COMPOSE["networks"]["edge"]["ipam"]["config"][0]["subnet"]
    environment = SERVICES["web"]["environment"]
    assert environment["TRUSTED_PROXIES"] == f"${{TRUSTED_PROXIES:-{subnet}}}"
    assert environment["FORWARDED_ALLOW_IPS"] == environment["TRUSTED_PROXIES"]
    caddyfile = (settings.BASE_DIR / "deploy" / "Caddyfile").read_text()
    assert re.search(r"dynamic a \{\s*name web\s*port 8000", caddyfile)


def test_every_service_keeps_its_log_small_through_one_anchor():
    assert "x-logging: &logging" in COMPOSE_TEXT
    for name, service in SERVICES.items():
        options = service.get("logging", {}).get("options", {})
        assert options.get("max-size") and options.get("max-file"), name


def test_worker_and_beat_have_health_checks():
    worker = " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert "inspect ping" in worker and "--timeout" in worker
    beat = SERVICES["beat"]
    schedule = next(arg.split("=", 1)[1] for arg in beat["command"]
                    if arg.startswith("--schedule="))
    check = " ".join(beat["healthcheck"]["test"])
    assert schedule in check and "getmtime" in check
    # The schedule lives in a volume of its own.
    assert any(volume.endswith(":" + schedule.rsplit("/", 1)[0]) for volume in beat["volumes"])


def test_workers_get_time_to_finish_a_job_when_stopped():
    grace = _seconds(SERVICES["worker"]["stop_grace_period"])
    assert grace >= settings.CELERY_TASK_TIME_LIMIT


def test_files_go_to_minios_private_bucket_made_at_start():
    environment = SERVICES["worker"]["environment"]
    bucket = environment["AWS_STORAGE_BUCKET_NAME"]
    init = SERVICES["minio-init"]
    assert init["environment"]["BUCKET"] == bucket
    assert init["environment"]["APP_ACCESS_KEY"] == environment["AWS_S3_ACCESS_KEY_ID"]
    script = (settings.BASE_DIR / "deploy" / "minio-init.sh").read_text()
    assert 'mc mb --ignore-existing "local/$BUCKET"' in script
    assert 'mc anonymous set none "local/$BUCKET"' in script
    for name in APP:
        assert SERVICES[name]["depends_on"]["minio-init"] == {
            "condition": "service_completed_successfully"}
    assert "ports" not in SERVICES["minio"]


@pytest.mark.parametrize("variable", ["EMAIL_HOST", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"])
def test_the_stack_does_not_start_without_its_required_settings(variable):
    value = SERVICES["web"]["environment"][variable]
    assert value.startswith(f"${{{variable}:?"), value
