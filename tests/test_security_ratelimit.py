"""Sign-in attempts are limited per account and per address; a lockout ends by itself."""

import os

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, TestCase
from django.urls import reverse

from mentorship import ratelimit
from mentorship.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
LOGIN = reverse("login")


def attempt(client, email, password="wrong-password", ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def frozen():
    with time_machine.travel("2026-11-02 09:00:00+00:00", tick=False) as traveller:
        yield traveller


def test_five_failures_lock_the_account_with_429_and_a_clear_message(client, make_user, frozen):
    make_user("ana@example.com")
    for _ in range(5):
        assert attempt(client, "ana@example.com").status_code == 200
    response = attempt(client, "ANA@example.com", PASSWORD)  # even the right password
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many failed sign-in attempts" in response.content
    assert b"reset your password" in response.content
    assert b'value="ANA@example.com"' in response.content
    assert "_auth_user_id" not in client.session


def test_the_account_lock_applies_from_any_address(client, make_user, frozen):
    make_user("ana@example.com")
    for n in range(5):
        attempt(client, "ana@example.com", ip=f"10.0.1.{n}")
    assert attempt(Client(), "ana@example.com", PASSWORD, ip="10.9.9.9").status_code == 429


def test_other_accounts_still_sign_in_while_one_is_locked(client, make_user, frozen):
    make_user("ana@example.com")
    make_user("ben@example.com")
    for _ in range(6):
        attempt(client, "ana@example.com")
    other = Client()
    response = attempt(other, "ben@example.com", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert other.get(reverse("home")).status_code == 200


def test_twenty_failures_from_one_address_block_that_address_only(client, make_user, frozen):
    make_user("ben@example.com")
    for n in range(20):
        assert attempt(client, f"guess{n}@example.com").status_code == 200
    assert attempt(client, "ben@example.com", PASSWORD).status_code == 429
    assert attempt(Client(), "ben@example.com", PASSWORD, ip="10.0.0.2").status_code == 302


def test_ipv6_addresses_are_grouped_by_64(client, frozen):
    for n in range(20):
        attempt(client, f"guess{n}@example.com", ip=f"2001:db8::{n + 1:x}")
    blocked = attempt(Client(), "x@example.com", ip="2001:db8::ffff")
    assert blocked.status_code == 429
    assert attempt(Client(), "x@example.com", ip="2001:db8:1::1").status_code == 200


def test_the_lock_ends_by_itself(client, make_user, frozen):
    make_user("ana@example.com")
    for _ in range(5):
        attempt(client, "ana@example.com")
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 429
    frozen.shift(20 * 60)
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302


def test_refused_attempts_do_not_extend_the_lock(client, make_user, frozen):
    make_user("ana@example.com")
    for _ in range(5):
        attempt(client, "ana@example.com")
    for _ in range(30):  # hammering while locked
        frozen.shift(30)
        assert attempt(client, "ana@example.com").status_code == 429
    frozen.shift(15 * 60)  # 30 minutes after the last counted failure
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302


def test_retry_after_is_honest(client, make_user, frozen):
    make_user("ana@example.com")
    for _ in range(5):
        attempt(client, "ana@example.com")
    wait = int(attempt(client, "ana@example.com", PASSWORD)["Retry-After"])
    assert 60 <= wait <= 30 * 60
    frozen.shift(wait - 5)
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 429
    frozen.shift(10)
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_account_count(client, make_user, frozen):
    make_user("ana@example.com")
    for _ in range(4):
        attempt(client, "ana@example.com")
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert attempt(client, "ana@example.com").status_code == 200
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302


def test_counts_live_in_the_shared_cache(client, frozen):
    attempt(client, "ana@example.com")
    keys = [k for k in cache._cache if "login-fail" in k]  # locmem internals, in tests only
    assert len(keys) == 2  # one per account, one per address; no email in clear
    assert not any("ana" in k for k in keys)


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(client, settings, frozen):
    request = type("R", (), {})()
    request.META = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 7.7.7.7"}
    assert ratelimit.client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert ratelimit.client_address(request) == "7.7.7.7"


def test_a_broken_cache_never_blocks_nor_500s(client, make_user, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # (Django's setting_changed handler rebuilds the cache connections.)
    make_user("ana@example.com")
    assert attempt(client, "ana@example.com").status_code == 200
    assert attempt(client, "ana@example.com", PASSWORD).status_code == 302


@pytest.mark.redis
def test_counts_are_shared_through_redis(client, make_user, settings, redis_required, frozen):
    from tests.services import REDIS_URL

    prefix = f"ratelimit-test-{os.getpid()}"  # not another test process's counts
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    from django.core.cache import close_caches

    def clear():
        # Only this test's keys: a FLUSHDB would also drop the Celery queue of a real-worker
        # test running at the same moment on the same Redis database (pytest -n 2).
        client = cache._cache.get_client()
        stale = client.keys(f"{prefix}:*")
        if stale:
            client.delete(*stale)

    clear()
    make_user("ana@example.com")
    for _ in range(5):
        attempt(client, "ana@example.com")
    # As another worker would: a fresh connection to the same Redis sees the counts.
    close_caches()
    assert "login-fail" in str(cache._cache.get_client().keys("*"))
    assert attempt(Client(), "ana@example.com", PASSWORD, ip="10.7.7.7").status_code == 429
    clear()


def _cache_backend(env):
    from tests.test_config import manage

    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    return manage("shell", "-v", "0", "-c", code, env=env)


def test_the_cache_comes_from_the_environment(tmp_path):
    from tests.test_config import prod_env

    redis = _cache_backend({"CACHE_URL": "redis://127.0.0.1:6379/9"})
    assert redis.stdout.strip() == "django.core.cache.backends.redis.RedisCache", redis.stderr
    also = _cache_backend({"REDIS_URL": "redis://127.0.0.1:6379/9"})
    assert also.stdout.strip().endswith("RedisCache")
    local = _cache_backend({})
    assert local.stdout.strip().endswith("LocMemCache")
    # Production without a cache URL: a file cache shared by the workers of one host.
    shared = _cache_backend(prod_env(MENTORSHIP_VAR_DIR=str(tmp_path)))
    assert shared.stdout.strip().endswith("FileBasedCache"), shared.stderr


def test_an_unusable_cache_url_is_one_clear_line():
    result = _cache_backend({"CACHE_URL": "memcached://127.0.0.1:11211"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "CACHE_URL must be redis://" in result.stderr


# -- password reset ------------------------------------------------------------------------

RESET = reverse("password_reset")


def reset(client, email, ip="10.0.0.1"):
    # The email is queued for after the request's commit: run that, as a real request would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(RESET, {"email": email}, REMOTE_ADDR=ip)


def test_reset_emails_for_one_account_stop_after_three_without_saying_so(
    client, make_user, mailoutbox, frozen
):
    make_user("ana@example.com")
    for n in range(5):
        response = reset(Client(), "ana@example.com", ip=f"10.0.2.{n}")
        # Always the same answer: the page never tells whether an account exists.
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 3
    # Another account is unaffected.
    make_user("ben@example.com")
    reset(Client(), "ben@example.com", ip="10.0.2.9")
    assert len(mailoutbox) == 4 and mailoutbox[-1].to == ["ben@example.com"]


def test_reset_requests_from_one_address_get_429_past_ten(client, make_user, mailoutbox, frozen):
    for n in range(10):
        assert reset(client, f"someone{n}@example.com").status_code == 302
    response = reset(client, "ana@example.com")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many password reset requests" in response.content
    assert reset(Client(), "ana@example.com", ip="10.0.0.2").status_code == 302


def test_the_reset_limit_ends_by_itself(client, make_user, mailoutbox, frozen):
    make_user("ana@example.com")
    for _ in range(4):
        reset(client, "ana@example.com")
    assert len(mailoutbox) == 3
    frozen.shift(2 * 60 * 60)
    reset(client, "ana@example.com")
    assert len(mailoutbox) == 4


def test_refused_reset_requests_do_not_extend_the_account_limit(
    client, make_user, mailoutbox, frozen
):
    make_user("ana@example.com")
    for n in range(3):
        reset(Client(), "ana@example.com", ip=f"10.0.3.{n}")
    for n in range(5):  # someone keeps asking while the account is at its limit
        frozen.shift(10 * 60)
        reset(Client(), "ana@example.com", ip=f"10.0.4.{n}")
    assert len(mailoutbox) == 3
    frozen.shift(11 * 60)  # just past an hour after the three emails that went out
    reset(Client(), "ana@example.com", ip="10.0.5.1")
    assert len(mailoutbox) == 4


# --- Every sign-in path counts (issue 15, items 2 and 4) -----------------------------------

ADMIN_LOGIN = reverse("admin:login")


def admin_attempt(client, email, password="wrong-password", ip="10.0.0.1"):
    return client.post(
        ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def test_forty_wrong_admin_passwords_answer_429_after_the_limit(client, frozen):
    User.objects.create_superuser("root@example.com", PASSWORD)
    statuses = [admin_attempt(client, "root@example.com").status_code for _ in range(40)]
    assert statuses[:5] == [200] * 5
    assert set(statuses[5:]) == {429}
    response = admin_attempt(client, "root@example.com", PASSWORD)  # even the right one
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_admin_failures_move_the_site_counters_and_the_other_way_round(client, frozen):
    User.objects.create_superuser("root@example.com", PASSWORD)
    for _ in range(3):
        admin_attempt(client, "root@example.com")
    for _ in range(2):
        assert attempt(client, "root@example.com").status_code == 200
    # Five failures in all, across both pages: both refuse now.
    assert attempt(client, "root@example.com", PASSWORD).status_code == 429
    assert admin_attempt(client, "root@example.com", PASSWORD).status_code == 429


def test_admin_address_limit_applies_across_accounts(client, frozen):
    for n in range(20):
        admin_attempt(client, f"nobody{n}@example.com", ip="10.0.0.9")
    assert attempt(client, "someone@example.com", ip="10.0.0.9").status_code == 429
    assert admin_attempt(client, "else@example.com", ip="10.0.0.9").status_code == 429
    assert admin_attempt(client, "else@example.com", ip="10.0.0.10").status_code == 200


def test_admin_sign_in_still_works_under_the_limit(client, frozen):
    User.objects.create_superuser("root@example.com", PASSWORD)
    admin_attempt(client, "root@example.com")
    response = admin_attempt(client, "root@example.com", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


CHANGE = reverse("password_change")


def change(client, old, new="a new long passphrase 42"):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def test_wrong_old_passwords_on_password_change_answer_429_past_the_limit(
    client, make_user, frozen
):
    user = make_user("ana@example.com")
    client.force_login(user)
    statuses = [change(client, "wrong-password").status_code for _ in range(25)]
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}
    response = change(client, PASSWORD)  # the right one is refused too, until the window moves
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert b"Too many wrong passwords" in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The sign-in page counts the same failures for that account.
    assert attempt(Client(), "ana@example.com", PASSWORD, ip="10.7.7.7").status_code == 429
    frozen.shift(60 * 60)
    assert change(client, PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase 42")


def test_password_change_mistakes_other_than_the_old_password_do_not_count(
    client, make_user, frozen
):
    client.force_login(make_user("ana@example.com"))
    for _ in range(8):
        response = client.post(
            CHANGE, {"old_password": PASSWORD, "new_password1": "x", "new_password2": "y"}
        )
        assert response.status_code == 200
    assert change(client, PASSWORD).status_code == 302
