"""Two-factor sign-in to the admin (portal/two_factor.py): enrolment, verification, recovery codes, the
lockout, who is held back, and a superuser's reset in the audit log."""

import base64
import datetime as dt
import json
import re
import uuid
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from institutions.roles import editors_group, province_group
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-dai-2026"
VERIFY = "/admin/xac-thuc-hai-buoc/"
ENROL = "/admin/xac-thuc-hai-buoc/dang-ky/"


@pytest.fixture(autouse=True)
def required(settings):
    """Production's default: superusers and provincial staff (the suite's settings ask nobody)."""
    settings.OTP_REQUIRED_FOR = ["superusers", "provincial"]
    return settings


@pytest.fixture
def clock():
    """A stopped clock: codes are computed for a known moment, and `clock.shift(seconds)` waits out the
    devices' throttling (1 s after a wrong code, then 2, 4…)."""
    with time_machine.travel(
        dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False
    ) as traveller:
        yield traveller


@pytest.fixture
def provincial(django_user_model):
    user = django_user_model.objects.create_user("can-bo-tinh", password=PASSWORD)
    user.groups.add(province_group())
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("bien-tap", password=PASSWORD)
    user.groups.add(editors_group(InstitutionPageFactory(code="A")))
    return user


def with_app(user) -> TOTPDevice:
    """`user` has set up an app and holds recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    for code in ("aaaabbbb", "ccccdddd"):
        StaticToken.objects.create(device=recovery, token=code)
    return device


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.drift = steps_ahead
    return f"{totp.token():06d}"


def sign_in(client, user, address="10.0.0.1"):
    """The password, through the login form: django-axes sees it as a real sign-in."""
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": PASSWORD, "next": "/admin/pages/"},
        REMOTE_ADDR=address,
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session
    return response


def verify(client, code, address="10.0.0.1"):
    return client.post(VERIFY, {"otp_token": code, "next": "/admin/pages/"}, REMOTE_ADDR=address)


def wrong_code_for(device: TOTPDevice) -> str:
    return next(code for code in ("000000", "111111") if code != code_of(device))


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/account/", "/admin/statistics/"])
def test_a_required_user_without_an_app_reaches_only_enrolment(client, provincial, path):
    client.force_login(provincial)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ENROL + "?" + urlencode({"next": path})


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/users/"])
def test_a_required_user_with_an_app_is_sent_to_verification(client, superuser, path):
    with_app(superuser)
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?" + urlencode({"next": path})
    # A form posted anywhere else in the admin is sent there too, and does nothing.
    assert client.post(reverse("wagtailusers_users:add"), {"username": "x"}).status_code == 302
    assert not get_user_model().objects.filter(username="x").exists()


def test_signing_out_and_what_the_screens_load_stay_open(client, provincial):
    client.force_login(provincial)
    assert client.get(ENROL).status_code == 200
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_sprite")).status_code == 200
    assert client.post(reverse("wagtailadmin_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_not_required_reach_the_admin_with_the_password(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/account/").status_code == 200
    assert client.get("/admin/pages/", follow=True).status_code == 200  # the explorer opens on their house


def test_every_staff_user_can_be_required(client, editor, required):
    required.OTP_REQUIRED_FOR = ["staff"]
    client.force_login(editor)
    assert client.get("/admin/pages/")["Location"].startswith(ENROL)


def test_nobody_is_asked_when_the_setting_is_empty(client, provincial, required):
    required.OTP_REQUIRED_FOR = []
    client.force_login(provincial)
    assert client.get("/admin/pages/").status_code == 200


def test_staff_who_set_up_an_app_of_their_own_accord_are_asked_for_it(client, editor):
    with_app(editor)
    client.force_login(editor)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


def test_outside_the_admin_the_password_alone_is_not_signed_in(client, provincial, frozen_now):
    """The entry app's API takes records from staff: not from a session that still owes its code."""
    from events.models import Attendance

    client.force_login(provincial)
    entry = {"id": str(uuid.uuid4()), "session": 1, "attendees": 12, "base": None}
    response = client.post("/api/v1/attendance", json.dumps(entry), content_type="application/json")
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_enrolment_with_a_code_from_the_app_shows_ten_recovery_codes_once(client, provincial, clock):
    sign_in(client, provincial)
    page = client.get(ENROL + "?next=/admin/pages/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    content = page.content.decode()
    assert "<svg" in content and 'role="img"' in content  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=provincial, confirmed=False)
    # The key to type by hand is the device's secret.
    shown = re.search(r"data-two-factor-secret>([A-Z2-7 ]+)<", content).group(1)
    assert base64.b32decode(shown.replace(" ", "")) == device.bin_key
    assert client.get(ENROL).content.decode().count(shown) == 1  # the same secret until it is confirmed

    wrong = client.post(ENROL, {"otp_token": wrong_code_for(device), "next": "/admin/pages/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    clock.shift(2)
    response = client.post(ENROL, {"otp_token": code_of(device), "next": "/admin/pages/"})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(code in response.content.decode() for code in codes)
    assert "no-store" in response["Cache-Control"]
    device.refresh_from_db()
    assert device.confirmed
    stored = StaticToken.objects.filter(device__user=provincial).values_list("token", flat=True)
    assert set(stored) == set(codes)
    assert client.get("/admin/pages/").status_code == 200  # verified by the enrolment
    entry = ModelLogEntry.objects.get(action="portal.otp_enrolled")
    assert (entry.object_id, entry.user_id) == (str(provincial.pk), provincial.pk)
    # The codes are never shown again.
    assert not any(code in client.get(ENROL).content.decode() for code in codes)


def test_the_code_after_the_password_opens_the_admin(client, provincial, clock):
    device = with_app(provincial)
    response = client.get(sign_in(client, provincial)["Location"])  # the login's `next`
    assert response["Location"] == VERIFY + "?" + urlencode({"next": "/admin/pages/"})
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["next"] == "/admin/pages/"

    refused = verify(client, wrong_code_for(device))
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert client.get("/admin/pages/").status_code == 302
    clock.shift(2)
    accepted = verify(client, code_of(device))
    assert accepted.status_code == 302 and accepted["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/").status_code == 200
    # A code is good once: the same one again, from another sign-in, is refused.
    client.logout()
    sign_in(client, provincial)
    assert verify(client, code_of(device)).status_code == 200
    assert client.get("/admin/pages/").status_code == 302


def test_a_code_from_a_moment_ago_or_just_ahead_is_taken(client, provincial, clock):
    """Phones' clocks run a little off: one step (30 s) either way is accepted."""
    device = with_app(provincial)
    sign_in(client, provincial)
    assert verify(client, code_of(device, steps_ahead=1)).status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, provincial, settings, clock):
    device = with_app(provincial)
    sign_in(client, provincial)
    answers = []
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        answers.append(verify(client, wrong_code_for(device)).status_code)
        clock.shift(1)
    assert answers[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429  # django-axes's lockout, at the verification step
    clock.shift(60)
    assert verify(client, code_of(device)).status_code == 429  # the right code is no use while locked
    assert client.get(VERIFY, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/admin/pages/").status_code == 302
    # Nor is the password, from this address; another address is not locked.
    client.logout()
    locked = client.post(
        reverse("wagtailadmin_login"),
        {"username": provincial.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert locked.status_code == 429
    sign_in(client, provincial, address="10.0.0.2")
    assert verify(client, code_of(device, steps_ahead=1), address="10.0.0.2").status_code == 302


def test_the_code_typed_is_not_kept_in_the_failures_record(client, provincial, clock):
    from axes.models import AccessAttempt

    device = with_app(provincial)
    sign_in(client, provincial)
    verify(client, wrong_code_for(device))
    attempt = AccessAttempt.objects.get(username=provincial.username)
    assert wrong_code_for(device) not in attempt.post_data


def test_a_right_code_clears_the_failures(client, provincial, clock):
    from axes.models import AccessAttempt

    device = with_app(provincial)
    sign_in(client, provincial)
    verify(client, wrong_code_for(device))
    clock.shift(2)
    assert verify(client, code_of(device)).status_code == 302
    assert not AccessAttempt.objects.filter(username=provincial.username).exists()


def test_a_recovery_code_works_once_and_leads_to_a_new_app(client, provincial, clock):
    old = with_app(provincial)
    sign_in(client, provincial)
    response = verify(client, "AAAA-BBBB")  # as printed, in capitals and with a dash
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert client.get("/admin/pages/").status_code == 200  # verified by the recovery code
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["ccccdddd"]

    client.logout()
    sign_in(client, provincial)
    assert verify(client, "aaaabbbb").status_code == 200  # used already
    clock.shift(2)
    assert verify(client, "ccccdddd").status_code == 302

    # The lost phone is replaced: a new app, new recovery codes; the old ones stop working.
    client.get(ENROL)
    new = TOTPDevice.objects.get(user=provincial, confirmed=False)
    codes = client.post(ENROL, {"otp_token": code_of(new)}).context["codes"]
    assert list(TOTPDevice.objects.filter(user=provincial).values_list("pk", flat=True)) == [new.pk]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    client.logout()
    sign_in(client, provincial)
    clock.shift(30)
    assert verify(client, code_of(old)).status_code == 200
    clock.shift(2)
    assert verify(client, code_of(new)).status_code == 302


def test_the_password_alone_cannot_replace_the_app(client, provincial):
    with_app(provincial)
    client.force_login(provincial)
    response = client.get(ENROL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"otp_token": "123456"}).status_code == 302
    assert not TOTPDevice.objects.filter(confirmed=False).exists()


def test_a_superuser_resets_someone_s_devices_and_the_audit_log_says_so(client, superuser, provincial, clock):
    with_app(provincial)
    device = with_app(superuser)
    client.force_login(superuser)
    clock.shift(1)
    verify(client, code_of(device))
    url = reverse("portal_two_factor_reset", args=[provincial.pk])
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert url in listing  # in the users list's actions
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=provincial).exists()
    assert not StaticDevice.objects.filter(user=provincial).exists()
    entry = ModelLogEntry.objects.get(action="portal.otp_reset")
    assert (entry.object_id, entry.user_id, entry.data) == (str(provincial.pk), superuser.pk, {"devices": 2})
    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "Two-factor sign-in was reset" in history or "Đã đặt lại xác thực hai bước" in history

    # The person's next sign-in sets up a new app.
    client.logout()
    sign_in(client, provincial)
    assert client.get("/admin/pages/")["Location"].startswith(ENROL)


@pytest.mark.parametrize("who", ["editor", "provincial"])
def test_only_a_superuser_resets_another_s_devices(client, request, superuser, who):
    with_app(superuser)
    user = request.getfixturevalue(who)
    if who == "provincial":
        device = with_app(user)
    client.force_login(user)
    if who == "provincial":
        verify(client, code_of(device))
    url = reverse("portal_two_factor_reset", args=[superuser.pk])
    assert client.get(url).status_code in (302, 403)  # Wagtail sends the refused to the admin's home
    assert client.post(url).status_code in (302, 403)
    assert TOTPDevice.objects.filter(user=superuser).exists()
    assert not ModelLogEntry.objects.filter(action="portal.otp_reset").exists()
    assert url not in client.get(reverse("wagtailadmin_account")).content.decode()


def test_the_account_offers_two_factor_sign_in(client, editor):
    client.force_login(editor)
    assert ENROL in client.get(reverse("wagtailadmin_account")).content.decode()
    page = client.get(ENROL)
    assert page.status_code == 200 and page.context["may_skip"]


def test_a_next_address_elsewhere_is_not_followed(client, provincial, clock):
    device = with_app(provincial)
    sign_in(client, provincial)
    response = client.post(VERIFY, {"otp_token": code_of(device), "next": "https://example.com/"})
    assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ["superusers", "provincial"]),
        ("", ["superusers", "provincial"]),
        ("none", []),
        ("Staff", ["staff"]),
        ("superusers", ["superusers"]),
    ],
)
def test_the_setting_comes_from_the_environment(monkeypatch, value, expected):
    from portal.settings.base import otp_required_from_env

    if value is None:
        monkeypatch.delenv("OTP_REQUIRED_FOR", raising=False)
    else:
        monkeypatch.setenv("OTP_REQUIRED_FOR", value)
    assert otp_required_from_env() == expected


def test_an_unknown_word_in_the_setting_stops_the_start(monkeypatch):
    from portal.settings.base import otp_required_from_env

    monkeypatch.setenv("OTP_REQUIRED_FOR", "superuser")  # a typo must not turn it off
    with pytest.raises(ImproperlyConfigured):
        otp_required_from_env()


def test_development_and_the_suite_ask_nobody_and_the_middleware_is_in_order():
    from portal.settings import base, dev, test

    assert dev.OTP_REQUIRED_FOR == [] and test.OTP_REQUIRED_FOR == []
    middleware = base.MIDDLEWARE
    authentication = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    otp = middleware.index("django_otp.middleware.OTPMiddleware")
    assert authentication < otp < middleware.index("portal.middleware.TwoFactorMiddleware")
