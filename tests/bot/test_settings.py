"""Start-up stops with one clear line naming a missing or malformed setting."""

from ipaddress import ip_network

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    """The developer's own DONGNE_* variables must not decide these tests."""
    import os

    for name in list(os.environ):
        if name.startswith("DONGNE_"):
            monkeypatch.delenv(name)


def test_defaults_work_offline_on_sqlite(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.timezone == "Asia/Seoul"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DONGNE_TIMEZONE", "Mars/Olympus"),
        ("DONGNE_DATABASE_URL", "mysql://root@localhost/dongne"),
        ("DONGNE_TELEGRAM_API_URL", "api.telegram.org"),
        ("DONGNE_PERSISTENCE_INTERVAL", "soon"),
        ("DONGNE_ADMIN_TRUSTED_PROXIES", "10.0.0.1, proxy.example"),
        ("DONGNE_ADMIN_TRUSTED_PROXIES", "10.0.0.1/24"),
        ("DONGNE_DATABASE_POOL_SIZE", "0"),
    ],
)
def test_a_malformed_setting_is_named(monkeypatch, tmp_path, variable, value):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as error:
        load_settings()
    assert str(error.value).startswith(f"{variable} is invalid")
    assert "\n" not in str(error.value)


def test_running_without_a_token_names_it(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match="DONGNE_BOT_TOKEN"):
        load_settings().require_token()


def test_settings_come_from_a_dotenv_file(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DONGNE_TIMEZONE=UTC\nDONGNE_BOT_USERNAME=dongne_bot\n")
    settings = load_settings()
    assert (settings.timezone, settings.bot_username) == ("UTC", "dongne_bot")


def test_trusted_proxies_are_a_comma_separated_list_of_addresses_and_networks(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_settings().admin_trusted_proxies == ()  # no proxy: X-Forwarded-For is never believed
    monkeypatch.setenv("DONGNE_ADMIN_TRUSTED_PROXIES", " 10.0.0.5, 192.168.10.0/24,,::1 ")
    assert load_settings().admin_trusted_proxies == (
        ip_network("10.0.0.5"),
        ip_network("192.168.10.0/24"),
        ip_network("::1"),
    )


def test_the_pool_is_the_engines_own_unless_the_operator_sizes_it(monkeypatch, tmp_path):
    from bot.app import build_runtime

    monkeypatch.chdir(tmp_path)
    sqlite = build_runtime(load_settings())
    assert sqlite.engine.pool.size() == 5  # storage.db.SQLITE_POOL_SIZE: a thread and a page cache each
    monkeypatch.setenv("DONGNE_DATABASE_POOL_SIZE", "12")
    sized = build_runtime(load_settings())
    assert sized.engine.pool.size() == 12


def test_a_metrics_token_is_long_or_unset(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONGNE_METRICS_TOKEN", "secret")
    with pytest.raises(SettingsError, match=r"DONGNE_METRICS_TOKEN is invalid.*at least 24 characters"):
        load_settings()
    monkeypatch.setenv("DONGNE_METRICS_TOKEN", "  ")
    assert load_settings().metrics_token is None
    monkeypatch.setenv("DONGNE_METRICS_TOKEN", " 5f0e9c1b7a3d48e2b6c4a9d1f7e3b5c8 ")
    token = load_settings().metrics_token
    assert token is not None and token.get_secret_value() == "5f0e9c1b7a3d48e2b6c4a9d1f7e3b5c8"


@pytest.mark.parametrize(
    "url",
    [
        "http://dongne.seongdong.go.kr",  # Telegram delivers over TLS only
        "https://127.0.0.1/dongne",  # Telegram cannot reach loopback
        "https://10.1.2.3",  # nor the office network
        "https://localhost:8443",
        "https://dongne",  # nor a name without a domain
        "https://dongne.seongdong.go.kr:8080",  # Telegram's ports are 443, 80, 88 and 8443
        "https://dongne.seongdong.go.kr/hook?key=1",
        "https://user:pw@dongne.seongdong.go.kr",
        "dongne.seongdong.go.kr",
    ],
)
def test_a_webhook_url_telegram_cannot_deliver_to_is_refused(monkeypatch, tmp_path, url):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DONGNE_WEBHOOK_URL", url)
    with pytest.raises(SettingsError, match=r"^DONGNE_WEBHOOK_URL is invalid"):
        load_settings()


def test_the_webhook_url_is_optional_and_kept_without_a_trailing_slash(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_settings().webhook_url is None  # polling
    monkeypatch.setenv("DONGNE_WEBHOOK_URL", "")
    assert load_settings().webhook_url is None
    monkeypatch.setenv("DONGNE_WEBHOOK_URL", "https://dongne.seongdong.go.kr:8443/bot/")
    assert load_settings().webhook_url == "https://dongne.seongdong.go.kr:8443/bot"
