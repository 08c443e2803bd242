"""Settings classes; production reads everything it needs from the environment."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-not-secret"  # refused everywhere: a key anyone can read forges sessions
MIN_SECRET_LENGTH = 24


def normalise_database_url(url: str | None) -> str | None:
    """Make plain postgres URLs use the psycopg 3 driver that requirements.txt installs."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret_key(folder: Path) -> str:
    """The random key of this installation, made once and kept in <folder>/secret_key (0600)."""
    path = folder / "secret_key"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def weak_secret(key: str) -> bool:
    return not key or key == DEV_SECRET or len(key) < MIN_SECRET_LENGTH


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = normalise_database_url(os.environ.get("DATABASE_URL")) or (
        f"sqlite:///{BASE_DIR / 'instance' / 'hygiene.db'}"
    )
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "uploads"))
    # a second `flask scheduler` stands by and tries the lock this often (seconds)
    SCHEDULER_STANDBY_SECONDS = float(os.environ.get("SCHEDULER_STANDBY_SECONDS", "5"))
    # the photo store: "filesystem" (UPLOAD_DIR) or "s3", an S3-compatible object store that
    # several machines share (a county); the bucket must exist
    PHOTO_STORE = os.environ.get("PHOTO_STORE", "filesystem")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # empty: AWS itself
    S3_BUCKET = os.environ.get("S3_BUCKET", "")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")  # keys under a folder of a shared bucket
    S3_REGION = os.environ.get("S3_REGION", "")
    S3_ACCESS_KEY = os.environ.get("S3_ACCESS_KEY", "")  # empty: boto3's usual credential chain
    S3_SECRET_KEY = os.environ.get("S3_SECRET_KEY", "")
    S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "path")  # "virtual" for some clouds
    TIMEZONE = os.environ.get("HYGIENE_TIMEZONE", "Asia/Shanghai")
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "hygiene" / "translations")
    LANGUAGES = ("zh_CN", "en")
    DEMO_MODE = os.environ.get("HYGIENE_DEMO", "0") == "1"
    PAGE_SIZE = 20
    # a field form posted without JavaScript carries all its photos in one request
    MAX_CONTENT_LENGTH = 80 * 1024 * 1024
    SERVE_THREADS = int(os.environ.get("SERVE_THREADS", "8"))  # `flask serve` (waitress) worker threads
    PHOTO_MAX_BYTES = 15 * 1024 * 1024
    PHOTO_MAX_PIXELS = 50_000_000
    IMPORT_MAX_ROWS = 5000
    if os.environ.get("HYGIENE_EXPORT_SYNC_ROWS"):  # the demo lowers it, so a year's export shows the background
        EXPORT_SYNC_ROWS = int(os.environ["HYGIENE_EXPORT_SYNC_ROWS"])
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")  # empty: no e-mail channel
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "0") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    # the site's address as the public reaches it (e.g. https://aiwei.example.cn): links in
    # e-mails and the notice's QR code; unset, the QR code uses the request's own address
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # how many reverse proxies in front set X-Forwarded-For/-Proto/-Host/-Port/-Prefix
    # (Werkzeug's ProxyFix); 0 ignores the header, as anyone can send it without a proxy
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))
    PROXY_FIX_X_PORT = int(os.environ.get("PROXY_FIX_X_PORT", "0"))
    PROXY_FIX_X_PREFIX = int(os.environ.get("PROXY_FIX_X_PREFIX", "0"))
    # behind nginx (deploy/nginx/hygiene.conf): photos leave through its internal location of that
    # name (X-Accel-Redirect) after the application's access check; empty: the application sends them
    PHOTO_ACCEL_PREFIX = os.environ.get("PHOTO_ACCEL_PREFIX", "")
    NOTICE_BATCH_LIMIT = int(os.environ.get("NOTICE_BATCH_LIMIT", "100"))  # notices printed at once
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "logging")  # "" switches SMS off
    SMS_QUIET_HOURS = (22, 7)
    SCHEDULER_EMBEDDED = os.environ.get("SCHEDULER_EMBEDDED", "1") == "1"
    # how long a job waits for a database out of reach (retrying, pause doubling to a minute)
    SCHEDULER_DB_WAIT_SECONDS = int(os.environ.get("SCHEDULER_DB_WAIT_SECONDS", "3600"))
    SCHEDULER_LOCK_FILE = os.environ.get("SCHEDULER_LOCK_FILE") or None
    # the daily backup's folder (a dated subfolder a day), best on another disk; empty: no daily backup
    BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
    BACKUP_KEEP_DAYS = int(os.environ.get("BACKUP_KEEP_DAYS", "14"))
    # how long a process sends a kept public page from memory before asking the database whether a
    # newer publication (a correction) replaced it (rankings/public/pages.py); 0: ask every time
    PUBLIC_PAGE_RECHECK_SECONDS = float(os.environ.get("PUBLIC_PAGE_RECHECK_SECONDS", "1"))
    # sign-in throttling (accounts/throttle.py): memory:// serves one process (make run); several
    # web processes share one Redis, e.g. RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/1
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30 per 15 minutes")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    ALLOW_DEBUGGER = False  # only the development configuration may serve Werkzeug's debugger

    @classmethod
    def check(cls) -> None:
        """Refuse to start without a real secret key (the development config makes its own)."""
        if weak_secret(cls.SECRET_KEY):
            raise RuntimeError(
                f"SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters (e.g. python -c 'import secrets; print(secrets.token_hex(32))').")
    WTF_CSRF_TIME_LIMIT = None


class DevelopmentConfig(Config):
    DEMO_MODE = os.environ.get("HYGIENE_DEMO", "1") == "1"
    ALLOW_DEBUGGER = True

    @classmethod
    def check(cls) -> None:
        """Without SECRET_KEY, use this installation's own random key from instance/."""
        cls.SECRET_KEY = os.environ.get("SECRET_KEY") or instance_secret_key(BASE_DIR / "instance")
        super().check()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL")
    ) or "sqlite://"
    WTF_CSRF_ENABLED = False
    DEMO_MODE = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes keep the suite quick; tests only
    MAIL_SERVER = ""
    SMS_GATEWAY = "logging"
    BACKUP_DIR = ""
    PUBLIC_PAGE_RECHECK_SECONDS = 0.0  # tests see every publication at once; the memo has tests of its own

    @classmethod
    def check(cls) -> None:
        """Tests sign with their own fixed key."""


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("HYGIENE_INSECURE_COOKIES", "0") != "1"
    # production sits behind one HTTPS proxy (nginx) that sets X-Forwarded-For and -Proto
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "1"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "1"))
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # production runs `flask --app hygiene scheduler` as its own process
    SCHEDULER_EMBEDDED = os.environ.get("SCHEDULER_EMBEDDED", "0") == "1"
    # after a database restart, test a pooled connection before use (one 503 less per dead connection),
    # and give up connecting after a few seconds, so a database out of reach answers 503 quickly
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, **(
        {"connect_args": {"connect_timeout": 5}}
        if str(Config.SQLALCHEMY_DATABASE_URI).startswith("postgresql") else {})}

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a missing or development secret key (read at start-up)."""
        cls.SECRET_KEY = os.environ.get("SECRET_KEY", "")
        super().check()
