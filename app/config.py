"""Configuration from the environment. The embedded default is a SQLite file in instance/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict[str, object]:
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'fieldpost.db'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url.removeprefix("postgres://")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    secure = os.environ.get("FIELDPOST_SECURE_COOKIES", "0") == "1"
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Pooled connections idle longer than this are checked before use (app.core.db).
        "DB_PING_AFTER_IDLE_SECONDS": float(os.environ.get("FIELDPOST_DB_PING_AFTER_IDLE", "1")),
        "IDEMPOTENCY_KEY_DAYS": int(os.environ.get("FIELDPOST_IDEMPOTENCY_KEY_DAYS", "7")),
        "SECRET_KEY": _secret_key(instance_path),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "MAX_CONTENT_LENGTH": int(os.environ.get("FIELDPOST_MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        "UPLOAD_DIR": os.environ.get("FIELDPOST_UPLOAD_DIR", str(instance_path / "uploads")),
        "SMTP_HOST": os.environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_TLS": os.environ.get("SMTP_TLS", "none"),  # none, starttls or ssl
        "MAIL_FROM": os.environ.get("MAIL_FROM", ""),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
    }
