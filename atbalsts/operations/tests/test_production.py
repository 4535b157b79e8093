"""Production settings from the environment: Redis as the shared cache with REDIS_URL, the
file cache without it, JSON logs on stderr, /healthz exempt from the HTTPS redirect."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRINT = """
import json, logging
from django.conf import settings
from django.core.cache import caches
logging.getLogger("atbalsts.tests").warning("client 010185-12345 missing")
print(json.dumps({
    "backend": type(caches["default"]).__module__ + "." + type(caches["default"]).__name__,
    "location": str(settings.CACHES["default"]["LOCATION"]),
    "exempt": settings.SECURE_REDIRECT_EXEMPT,
    "jobs": {k: str(settings.DATABASES["jobs"][k]) for k in ("ENGINE", "NAME")},
}))
"""


def _shell(tmp_path, **overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "LOG_FORMAT"}
        and not k.startswith("PYTEST")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "atbalsts.example.lv",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PSEUDONYM_KEY": secrets.token_urlsafe(40),
            **overrides,
        }
    )
    return subprocess.run(  # noqa: S603 - this project's manage.py
        [sys.executable, "manage.py", "shell", "-c", PRINT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_redis_url_gives_a_redis_cache(tmp_path):
    result = _shell(tmp_path, REDIS_URL="redis://cache.internal:6379/1")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert found["location"] == "redis://cache.internal:6379/1"


def test_without_redis_the_file_cache_stays(tmp_path):
    result = _shell(tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["backend"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_a_cache_url_that_is_not_redis_is_refused(tmp_path):
    result = _shell(tmp_path, REDIS_URL="memcached://x:11211")
    assert result.returncode != 0
    assert "REDIS_URL must be a redis://" in result.stderr


def test_json_logs_on_stderr_with_personal_codes_masked(tmp_path):
    result = _shell(tmp_path)
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (entry,) = [e for e in lines if e["logger"] == "atbalsts.tests"]
    assert entry["message"] == "client ******-***** missing"
    assert entry["level"] == "WARNING"
    assert "010185" not in result.stderr


def test_healthz_is_exempt_from_the_https_redirect(tmp_path):
    result = _shell(tmp_path)
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["exempt"] == [r"^healthz$"]


def test_production_has_the_jobs_connection(tmp_path):
    """Job progress goes through its own connection in production too (on SQLite a file of
    its own beside the main one)."""
    result = _shell(tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["jobs"] == {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "db-jobs.sqlite3"),
    }
