import gc
import importlib

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


def test_the_cache_is_the_one_the_environment_names():
    """CI runs the suite a second time with CACHE_URL naming a Redis (make test-redis)."""
    import os

    from django.conf import settings
    from django.core.cache import cache

    backend = settings.CACHES["default"]["BACKEND"]
    if (os.environ.get("CACHE_URL") or "").startswith("redis://"):
        assert backend == "django.core.cache.backends.redis.RedisCache"
    else:
        assert backend == "django.core.cache.backends.locmem.LocMemCache"
    cache.set("portal:probe", {"một": 1})
    assert cache.get("portal:probe") == {"một": 1}


def test_the_served_application_keeps_its_startup_objects_out_of_the_collectors_way():
    gc.unfreeze()
    try:
        importlib.reload(importlib.import_module("portal.wsgi"))
        assert gc.get_freeze_count() > 10_000  # modules, models, settings: not walked again per request
    finally:
        gc.unfreeze()  # leave the test process as it was
