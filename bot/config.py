"""Settings come from the environment, with `.env` as a convenience for a clerk's laptop.

Every setting has a default that lets `make run` start the console chat with no
configuration at all; `.env.example` documents each one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FEEDBACK_CATEGORIES = (
    "Đường sá, điện chiếu sáng",
    "Vệ sinh môi trường",
    "An ninh trật tự",
    "Đất đai, xây dựng",
    "Thủ tục hành chính, thái độ cán bộ",
    "Khác",
)


class ConfigError(ValueError):
    """A setting is present but unusable; the message names the variable, never its value."""


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines; a dependency is not worth it for this little syntax."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def _int(env: dict[str, str], key: str, default: int) -> int:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a whole number") from exc


def _float(env: dict[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a number") from exc


def _list(env: dict[str, str], key: str, sep: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in env.get(key, "").split(sep) if part.strip())


@dataclass(frozen=True)
class Settings:
    """All runtime settings; built once at start and passed down explicitly."""

    database_path: Path = Path("motcua.db")
    commune_name: str = "UBND xã"
    office_address: str = "Trung tâm Phục vụ hành chính công xã"
    office_phone: str = ""
    office_hours: str = "Thứ Hai – Thứ Sáu 7:30–17:00, sáng thứ Bảy 7:30–11:30"
    # Telegram
    telegram_token: str = ""
    telegram_api_base_url: str = ""
    staff_chat_id: str = ""
    staff_user_ids: tuple[str, ...] = ()
    # One HTTP server for webhooks and /healthz
    webhook_url: str = ""
    webhook_secret: str = ""
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    # Zalo Bot Platform
    zalo_bot_token: str = ""
    zalo_api_base_url: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_secret: str = ""
    # Outbox pacing and retries
    group_messages_per_window: int = 20
    group_window_seconds: float = 60.0
    private_messages_per_window: int = 3
    private_window_seconds: float = 3.0
    bot_messages_per_second: int = 30
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 300.0
    send_timeout_seconds: float = 10.0
    # Abuse limits
    flood_messages_per_minute: int = 20
    max_text_length: int = 4000
    # Knowledge base
    knowledge_dir: Path | None = None
    # Snapshot of the parsed and indexed knowledge base, so a restart skips parsing (knowledge.snapshot).
    knowledge_cache_dir: Path = Path(".cache/knowledge")
    holidays_override_file: Path | None = None
    # Dossiers
    dossier_lookup_failures_per_hour: int = 5
    daily_summary_hour: int = 7
    same_day_cutoff: str = "15:00"
    # Feedback
    feedback_categories: tuple[str, ...] = field(default=DEFAULT_FEEDBACK_CATEGORIES)
    feedback_max_length: int = 2000
    feedback_per_day: int = 5
    feedback_reminder_hours: int = 8
    feedback_topics: dict[str, str] = field(default_factory=dict)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def zalo_enabled(self) -> bool:
        return bool(self.zalo_bot_token)

    def is_staff_user(self, user_id: str) -> bool:
        return user_id in self.staff_user_ids


def load_settings(env: dict[str, str] | None = None, dotenv: Path | None = Path(".env")) -> Settings:
    """Real environment variables win over `.env`, as operators expect."""
    merged: dict[str, str] = {}
    if dotenv is not None:
        merged.update(read_dotenv(dotenv))
    merged.update(os.environ if env is None else env)
    topics = {}
    for pair in _list(merged, "FEEDBACK_TOPICS", sep=";"):
        category, _, thread = pair.partition("=")
        if thread.strip():
            topics[category.strip()] = thread.strip()
    kb_dir = merged.get("KNOWLEDGE_DIR", "").strip()
    kb_cache = merged.get("KNOWLEDGE_CACHE_DIR", "").strip()
    holidays_file = merged.get("HOLIDAYS_OVERRIDE_FILE", "").strip()
    staff_chat = merged.get("STAFF_CHAT_ID", "").strip()
    token = merged.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and not staff_chat:
        raise ConfigError("STAFF_CHAT_ID is required when TELEGRAM_BOT_TOKEN is set")
    zalo_secret = merged.get("ZALO_WEBHOOK_SECRET", "").strip()
    if zalo_secret and not 8 <= len(zalo_secret) <= 256:
        raise ConfigError("ZALO_WEBHOOK_SECRET must be 8-256 characters")
    if zalo_secret and not merged.get("WEBHOOK_URL", "").strip():
        raise ConfigError("ZALO_WEBHOOK_SECRET needs WEBHOOK_URL (the public address Zalo calls)")
    categories = _list(merged, "FEEDBACK_CATEGORIES", sep=";") or DEFAULT_FEEDBACK_CATEGORIES
    return Settings(
        database_path=Path(merged.get("DATABASE_PATH", "").strip() or "motcua.db"),
        commune_name=merged.get("COMMUNE_NAME", "").strip() or Settings.commune_name,
        office_address=merged.get("OFFICE_ADDRESS", "").strip() or Settings.office_address,
        office_phone=merged.get("OFFICE_PHONE", "").strip(),
        office_hours=merged.get("OFFICE_HOURS", "").strip() or Settings.office_hours,
        telegram_token=token,
        telegram_api_base_url=merged.get("TELEGRAM_API_BASE_URL", "").strip(),
        staff_chat_id=staff_chat,
        staff_user_ids=_list(merged, "STAFF_USER_IDS"),
        webhook_url=merged.get("WEBHOOK_URL", "").strip().rstrip("/"),
        webhook_secret=merged.get("WEBHOOK_SECRET", "").strip(),
        http_host=merged.get("HTTP_HOST", "").strip() or Settings.http_host,
        http_port=_int(merged, "HTTP_PORT", Settings.http_port),
        zalo_bot_token=merged.get("ZALO_BOT_TOKEN", "").strip(),
        zalo_api_base_url=merged.get("ZALO_API_BASE_URL", "").strip() or Settings.zalo_api_base_url,
        zalo_webhook_secret=zalo_secret,
        group_messages_per_window=_int(merged, "GROUP_MESSAGES_PER_WINDOW", 20),
        group_window_seconds=_float(merged, "GROUP_WINDOW_SECONDS", 60.0),
        private_messages_per_window=_int(merged, "PRIVATE_MESSAGES_PER_WINDOW", 3),
        private_window_seconds=_float(merged, "PRIVATE_WINDOW_SECONDS", 3.0),
        bot_messages_per_second=_int(merged, "BOT_MESSAGES_PER_SECOND", 30),
        retry_base_seconds=_float(merged, "RETRY_BASE_SECONDS", 1.0),
        retry_max_seconds=_float(merged, "RETRY_MAX_SECONDS", 300.0),
        send_timeout_seconds=_float(merged, "SEND_TIMEOUT_SECONDS", 10.0),
        flood_messages_per_minute=_int(merged, "FLOOD_MESSAGES_PER_MINUTE", 20),
        max_text_length=_int(merged, "MAX_TEXT_LENGTH", 4000),
        knowledge_dir=Path(kb_dir) if kb_dir else None,
        knowledge_cache_dir=Path(kb_cache) if kb_cache else Settings.knowledge_cache_dir,
        holidays_override_file=Path(holidays_file) if holidays_file else None,
        dossier_lookup_failures_per_hour=_int(merged, "DOSSIER_LOOKUP_FAILURES_PER_HOUR", 5),
        daily_summary_hour=_int(merged, "DAILY_SUMMARY_HOUR", 7),
        same_day_cutoff=merged.get("SAME_DAY_CUTOFF", "").strip() or "15:00",
        feedback_categories=categories,
        feedback_max_length=_int(merged, "FEEDBACK_MAX_LENGTH", 2000),
        feedback_per_day=_int(merged, "FEEDBACK_PER_DAY", 5),
        feedback_reminder_hours=_int(merged, "FEEDBACK_REMINDER_HOURS", 8),
        feedback_topics=topics,
    )
