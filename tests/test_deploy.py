"""Production settings read the environment and pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(env_overrides, *command):
    local_only = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "PSEUDONYM_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in local_only}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_overrides})
    return subprocess.run(  # noqa: S603 - this project's manage.py, arguments from the tests
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check(env_overrides):
    return _manage(env_overrides, "check", "--deploy", "--fail-level", "WARNING")


def _environment(tmp_path, **overrides):
    return {
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "atbalsts.example.lv",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PSEUDONYM_KEY": secrets.token_urlsafe(40),
        **overrides,
    }


def test_check_deploy_passes_with_the_environment_set(tmp_path):
    result = _check(_environment(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_is_a_clear_error(tmp_path):
    result = _check(
        {
            "ALLOWED_HOSTS": "x.lv",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'd'}",
            "SECRET_KEY": "",
            "PSEUDONYM_KEY": "k",
        }
    )
    assert result.returncode != 0
    assert "Environment variable SECRET_KEY is required in production." in result.stderr


def test_missing_pseudonym_key_is_a_clear_error_not_a_fallback_to_the_secret(tmp_path):
    """Falling back to SECRET_KEY would change every pseudonym given to the ministry the day
    the secret is rotated: production refuses to start without a key of its own."""
    for missing in ({"PSEUDONYM_KEY": ""}, {"PSEUDONYM_KEY": "   "}):
        result = _check(_environment(tmp_path, **missing))
        assert result.returncode != 0
        assert "Environment variable PSEUDONYM_KEY is required in production." in result.stderr
        assert "never change it" in result.stderr


def test_production_refuses_to_load_the_demo(tmp_path):
    """The demo users' password is printed in the README."""
    result = _manage(_environment(tmp_path), "demo_load", "--without-pilot")
    assert result.returncode != 0
    assert "DEMO_DATA_ALLOWED=False" in result.stderr
    assert "Demo dati ielādēti" not in result.stdout
