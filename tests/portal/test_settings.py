import pytest

from portal.settings.base import cache_from_env, env_list


def test_env_list_splits_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " hoctap.hatinh.gov.vn, ,www.hoctap.hatinh.gov.vn ")
    assert env_list("ALLOWED_HOSTS") == ["hoctap.hatinh.gov.vn", "www.hoctap.hatinh.gov.vn"]


@pytest.mark.parametrize(
    "variable, url, backend",
    [
        ("REDIS_URL", "redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("CACHE_URL", "redis://cache:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("CACHE_URL", "dummy://", "django.core.cache.backends.dummy.DummyCache"),
    ],
)
def test_cache_follows_the_environment(monkeypatch, variable, url, backend):
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv(variable, url)
    cache = cache_from_env()
    assert cache["BACKEND"] == backend
    if "redis" in url:
        assert cache["LOCATION"] == url


def test_cache_defaults_to_local_memory(monkeypatch):
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert cache_from_env()["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
