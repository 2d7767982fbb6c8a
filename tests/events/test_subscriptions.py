"""Email subscriptions to a listing (SPEC §11): double opt-in, the weekly digest, one-click unsubscribe
(RFC 8058), retries, the daily limit, and the residents' data. Mail goes through a real SMTP server that
the test starts (aiosmtpd) and is read back as a mail program reads it."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.models import MailDelivery, Registration, Subscription
from events.registering import register
from events.subscribing import manage_token
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.mail import subject_of, text_of, work_off_the_queue

MONDAY = "2026-11-30"  # the week after the frozen Wednesday 25/11/2026
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def week(frozen_now):
    """A class on Tuesday 01/12 and a club on Thursday 03/12 (both next week), a class in a fortnight."""
    return {
        "class": publish(EventPageFactory(title="Lớp “Tin học & đời sống”", kind="class")),
        "club": publish(
            EventPageFactory(
                title="Câu lạc bộ đọc sách", kind="club", start=dt.datetime(2026, 12, 3, 19, 0, tzinfo=HANOI)
            )
        ),
        "later": publish(
            EventPageFactory(
                title="Lớp vẽ tranh", kind="class", start=dt.datetime(2026, 12, 10, 8, 0, tzinfo=HANOI)
            )
        ),
    }


def ask(client, email="lan@example.vn", path="/nhan-tin/", **filters):
    data = {"email": email, "consent": "on", "website": "", **filters}
    return client.post(path, data)


def link_in(message, pattern: str) -> str:
    return re.search(rf"http://testserver(/\S*{pattern}\S*/)", text_of(message)).group(1)


def digest(day=MONDAY):
    call_command("send_digests", "--date", day)
    work_off_the_queue()


@pytest.mark.django_db
def test_a_resident_subscribes_confirms_gets_the_digest_and_unsubscribes_in_one_click(
    client, smtp_inbox, week, django_capture_on_commit_callbacks
):
    form = client.get("/nhan-tin/?kind=class&page=2&view=month")
    assert form.status_code == 200 and "Lớp học" in form.content.decode()  # the filter, in words
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "Lan@Example.vn", kind="class")
    assert response.status_code == 303 and response["Location"] == "/nhan-tin/da-gui/"
    assert smtp_inbox.messages == []  # never from the request
    subscription = Subscription.objects.get()
    assert subscription.email == "lan@example.vn" and subscription.filters == "kind=class"
    work_off_the_queue()

    [confirmation] = smtp_inbox.messages
    assert subject_of(confirmation) == "Xác nhận nhận tin hằng tuần từ cổng học tập suốt đời"
    assert "Lớp học" in text_of(confirmation)
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Double opt-in: nothing but the confirmation before the link's button is pressed.
    digest()
    assert len(smtp_inbox.messages) == 1
    confirm = link_in(confirmation, "xac-nhan")
    assert client.get(confirm).status_code == 200  # a mail scanner opening the link confirms nothing
    assert not Subscription.objects.get().is_confirmed
    confirmed = client.post(confirm)
    assert "Đã xác nhận" in confirmed.content.decode() and Subscription.objects.get().is_confirmed

    digest()
    [message] = smtp_inbox.messages[1:]
    assert subject_of(message) == "1 buổi từ 30/11 đến 06/12/2026"
    body = text_of(message)
    assert "Lớp “Tin học & đời sống”" in body  # Vietnamese intact, and no HTML escaping in plain text
    assert "Câu lạc bộ đọc sách" not in body and "Lớp vẽ tranh" not in body  # another kind, another week
    assert "THỨ BA, 01/12/2026" in body and "08:00" in body
    assert week["class"].get_parent().title in body and week["class"].url_path.split("/")[-2] in body
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Lớp “Tin học &amp; đời sống”" in html and 'lang="vi"' in html
    unsubscribe = str(message["List-Unsubscribe"]).strip()  # a long header is folded
    assert re.fullmatch(r"<http://testserver/nhan-tin/\S+/huy/>", unsubscribe)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "lan@example.vn" not in unsubscribe.lower()

    digest()  # the same week again: nothing twice
    assert len(smtp_inbox.messages) == 2
    # The mail program's one-click unsubscribe: a POST without cookies or CSRF token.
    from django.test import Client

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe[len("<http://testserver") : -1],
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    ended = Subscription.objects.get()
    assert ended.has_ended and ended.email == "" and ended.address == ""  # erased, the row counted
    digest("2026-12-07")
    assert len(smtp_inbox.messages) == 2
    assert MailDelivery.objects.filter(status="sent").count() == 2


@pytest.mark.django_db
def test_nothing_is_sent_in_a_week_when_nothing_matches(client, smtp_inbox, week):
    Subscription.objects.create(email="an@example.vn", filters="kind=exhibition", confirmed_at=timezone.now())
    digest()
    assert smtp_inbox.messages == []
    assert Subscription.objects.get().digest_week == dt.date(2026, 11, 30)


@pytest.mark.django_db
def test_the_digest_reads_each_set_of_filters_once_however_many_share_it(
    smtp_inbox, week, django_assert_max_num_queries
):
    now = timezone.now()
    for n in range(40):
        Subscription.objects.create(email=f"p{n}@example.vn", filters="kind=class", confirmed_at=now)
    Subscription.objects.create(email="club@example.vn", filters="kind=club", confirmed_at=now)
    call_command("send_digests", "--date", MONDAY)
    from events.tasks import send_digest

    [group] = [row for row in DBTaskResult.objects.all() if row.args_kwargs["args"][0] == "kind=class"]
    with django_assert_max_num_queries(12):
        sent = send_digest.call(*group.args_kwargs["args"])
    assert sent == 40
    group.delete()  # run here, in place of the worker
    work_off_the_queue()
    assert len(smtp_inbox.messages) == 41
    [club] = smtp_inbox.to("club@example.vn")
    assert "Câu lạc bộ đọc sách" in text_of(club) and "Tin học" not in text_of(club)


@pytest.mark.django_db
def test_asking_again_sends_one_mail_whose_link_confirms_every_request(
    client, smtp_inbox, week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            ask(client, kind="class")
        ask(client, kind="club")
    work_off_the_queue()
    [confirmation] = smtp_inbox.messages
    assert Subscription.objects.count() == 2
    client.post(link_in(confirmation, "xac-nhan"))
    assert Subscription.objects.running().count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, kind="club")  # subscribed already: nothing more
    work_off_the_queue()
    assert len(smtp_inbox.messages) == 1 and Subscription.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "lan@@example", "consent": "on"}, "Nhập một địa chỉ thư điện tử hợp lệ"),
        ({"email": "lan@example.vn"}, "Đánh dấu vào ô để đồng ý."),
        ({"email": "lan@example.vn", "consent": "on", "kind": "circus"}, "circus"),
        ({"email": "lan@example.vn", "consent": "on", "topic": "khong-co"}, "khong-co"),
        ({"email": "lan@example.vn", "consent": "on", "free": "maybe"}, "Dùng 1 hoặc 0."),
    ],
)
def test_bad_input_is_said_and_nothing_is_stored(client, smtp_inbox, data, message, week):
    response = client.post("/nhan-tin/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Subscription.objects.exists() and not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_forged_and_expired_links_are_refused(
    client, smtp_inbox, week, time_machine, django_capture_on_commit_callbacks
):
    for path in [
        "/nhan-tin/xac-nhan/abc:def/",
        "/nhan-tin/WyJzIiwxXQ:forged/",
        "/nhan-tin/WyJzIiwxXQ:forged/huy/",
    ]:
        response = client.get(path)
        assert response.status_code == 404 and "Liên kết này không dùng được" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, kind="class")
    work_off_the_queue()
    confirm = link_in(smtp_inbox.messages[0], "xac-nhan")
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    assert client.post(confirm).status_code == 404
    assert not Subscription.objects.running().exists()
    call_command("erase_personal_data")
    assert not Subscription.objects.exists()  # not confirmed within 7 days: deleted, address and all


@pytest.mark.django_db
def test_a_refusing_server_is_tried_again_later_and_a_lost_address_counts_as_bounced(
    smtp_inbox, week, settings
):
    now = timezone.now()
    Subscription.objects.create(email="busy@example.vn", filters="", confirmed_at=now)
    Subscription.objects.create(email="gone@example.vn", filters="", confirmed_at=now)
    smtp_inbox.unknown.add("gone@example.vn")
    smtp_inbox.refuse_next = 1
    digest()
    assert smtp_inbox.messages == []
    assert list(MailDelivery.objects.values_list("status", "attempts")) == [("bounced", 1)]
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=50)  # backs off
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    work_off_the_queue()
    assert smtp_inbox.messages == []  # not before its time
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    work_off_the_queue()
    [message] = smtp_inbox.messages
    assert message["To"] == "busy@example.vn"
    assert MailDelivery.objects.get(status="sent").attempts == 2


@pytest.mark.django_db
def test_an_address_gets_at_most_the_daily_limit(smtp_inbox, week, settings):
    settings.MAIL_DAILY_LIMIT_PER_ADDRESS = 1
    now = timezone.now()
    Subscription.objects.create(email="an@example.vn", filters="kind=class", confirmed_at=now)
    Subscription.objects.create(email="an@example.vn", filters="kind=club", confirmed_at=now)
    digest()
    assert len(smtp_inbox.messages) == 1
    assert sorted(MailDelivery.objects.values_list("status", flat=True)) == ["held", "sent"]


@pytest.mark.django_db
def test_a_subscription_made_in_english_is_written_in_english(
    client, smtp_inbox, week, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(client, path="/en/nhan-tin/", kind="class")["Location"] == "/en/nhan-tin/da-gui/"
    work_off_the_queue()
    [confirmation] = smtp_inbox.messages
    assert subject_of(confirmation) == "Confirm your subscription to the portal's weekly list"
    client.post(link_in(confirmation, "xac-nhan"))
    digest()
    message = smtp_inbox.messages[-1]
    assert subject_of(message) == "1 session from 30/11 to 06/12/2026"
    assert "TUESDAY, 01/12/2026" in text_of(message)
    assert f"http://testserver/en{week['class'].url}" in text_of(message)  # the event, in English


@pytest.mark.django_db
def test_the_manage_page_changes_the_filters_and_ends_the_subscription(client, week):
    subscription = Subscription.objects.create(
        email="an@example.vn", filters="kind=class", confirmed_at=timezone.now()
    )
    page = f"/nhan-tin/{manage_token('s', subscription.pk)}/"
    shown = client.get(page).content.decode()
    assert "Lớp học" in shown and "an@example.vn" not in shown
    assert client.post(page, {"kind": ["club", "exhibition"], "free": "1"}).status_code == 200
    assert Subscription.objects.get().filters == "kind=club&kind=exhibition&free=1"
    assert client.post(page, {"kind": "nonsense"}).status_code == 400
    assert Subscription.objects.get().filters == "kind=club&kind=exhibition&free=1"
    assert "kết thúc" in client.post(f"{page}huy/").content.decode()
    assert Subscription.objects.get().email == ""


@pytest.mark.django_db
def test_a_registrants_messages_carry_the_one_click_link_that_stops_them(
    smtp_inbox, frozen_now, django_capture_on_commit_callbacks, client
):
    event = publish(EventPageFactory(title="Tọa đàm", registration_mode="required", capacity=5))
    with django_capture_on_commit_callbacks(execute=True):
        made = register(event.sessions.get(), event=event, seats=1, name="Lan", email="lan@example.vn")
    work_off_the_queue()
    [message] = smtp_inbox.messages
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = urlsplit(str(message["List-Unsubscribe"]).strip()[1:-1]).path
    assert stop == f"/nhan-tin/{manage_token('r', made.registration.pk)}/huy/"
    assert client.post(stop).status_code == 200
    registration = Registration.objects.get()
    assert registration.email == "" and registration.status == "confirmed"  # the seat stays


def test_every_settings_module_honours_email_url():
    """Development (`make run`), tests, production and the benchmark send through EMAIL_URL when set."""
    script = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT)"
    for module in ["dev", "test", "production", "bench"]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": f"portal.settings.{module}",
            "EMAIL_URL": "smtp://127.0.0.1:2525",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "localhost",
        }
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "127.0.0.1", "2525"]


@pytest.mark.django_db
def test_the_mail_report_counts_per_day_for_the_province_only(admin_client, client, django_user_model, week):
    today = timezone.localdate()
    for status in ["sent", "sent", "failed", "bounced"]:
        MailDelivery.objects.create(day=today, kind="digest", status=status, address="x")
    Subscription.objects.create(email="an@example.vn", confirmed_at=timezone.now())
    response = admin_client.get("/admin/reports/mail/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 đang chạy" in page and "an@example.vn" not in page
    row = re.search(rf"{today:%d/%m/%Y}.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", row) == ["2", "1", "1", "0"]
    editor = django_user_model.objects.create_user("editor", password="x", is_staff=True)
    client.force_login(editor)
    assert client.get("/admin/reports/mail/").status_code in (302, 403)


@pytest.mark.django_db
def test_the_province_looks_up_an_address_and_ends_its_subscription_in_the_audit_log(admin_client, week):
    from wagtail.models import ModelLogEntry

    subscription = Subscription.objects.create(
        email="an@example.vn", filters="kind=class", confirmed_at=timezone.now()
    )
    Subscription.objects.create(email="other@example.vn", confirmed_at=timezone.now())
    url = "/admin/reports/mail/subscribers/"
    found = admin_client.post(url, {"email": "An@Example.vn"}).content.decode()
    assert "Lớp học" in found and "other@example.vn" not in found
    assert ModelLogEntry.objects.filter(action="events.subscription_viewed").count() == 1
    assert "an@example.vn" not in str(list(ModelLogEntry.objects.values_list("label", "data")))
    assert admin_client.post(url, {"email": "an@example.vn", "end": subscription.pk}).status_code == 302
    assert Subscription.objects.get(pk=subscription.pk).email == ""
    assert ModelLogEntry.objects.filter(action="events.subscription_ended").count() == 1
    assert admin_client.post(url, {"email": "nonsense"}).status_code == 200


@pytest.mark.django_db
def test_a_message_still_refused_at_the_last_attempt_is_logged_as_failed(smtp_inbox, week):
    from events.mailing import MAX_ATTEMPTS
    from events.tasks import send_digest

    subscription = Subscription.objects.create(email="busy@example.vn", confirmed_at=timezone.now())
    smtp_inbox.refuse_next = 1
    send_digest.call("", "vi", MONDAY, [subscription.pk], attempt=MAX_ATTEMPTS)
    assert smtp_inbox.messages == []
    assert list(MailDelivery.objects.values_list("status", "attempts")) == [("failed", MAX_ATTEMPTS)]
    assert not DBTaskResult.objects.exists()  # given up: no further attempt queued


@pytest.mark.django_db
def test_a_server_that_is_down_is_tried_once_for_the_whole_batch(week, settings):
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens there
    now = timezone.now()
    for n in range(3):
        Subscription.objects.create(email=f"p{n}@example.vn", confirmed_at=now)
    call_command("send_digests", "--date", MONDAY)
    [task] = DBTaskResult.objects.all()
    from events.tasks import send_digest

    send_digest.call(*task.args_kwargs["args"])
    [retry] = DBTaskResult.objects.filter(status="READY").exclude(pk=task.pk)
    assert len(retry.args_kwargs["args"][3]) == 3 and retry.args_kwargs["kwargs"]["attempt"] == 2
    assert not MailDelivery.objects.exists()


@pytest.mark.django_db
def test_a_cancelled_session_is_left_out_of_the_digest(smtp_inbox, week):
    from events.choices import SessionStatus

    week["club"].sessions.update(status=SessionStatus.CANCELLED)
    Subscription.objects.create(email="an@example.vn", filters="kind=club", confirmed_at=timezone.now())
    digest()
    assert smtp_inbox.messages == []


@pytest.mark.django_db
def test_the_daily_limit_never_holds_back_a_registrant_s_messages(
    smtp_inbox, frozen_now, settings, django_capture_on_commit_callbacks
):
    from events.tasks import send_session_change_mail

    settings.MAIL_DAILY_LIMIT_PER_ADDRESS = 1
    event = publish(EventPageFactory(title="Tọa đàm", registration_mode="required", capacity=5))
    session = event.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        register(session, event=event, seats=1, name="Lan", email="lan@example.vn")
    work_off_the_queue()
    assert send_session_change_mail.call(session.pk, "cancelled") == 1
    notice = smtp_inbox.messages[-1]
    assert len(smtp_inbox.messages) == 2 and notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not MailDelivery.objects.filter(status="held").exists()


def test_the_deploy_check_wants_https_mail_links(settings):
    from events.apps import mail_links_are_https

    settings.WAGTAILADMIN_BASE_URL = "http://hoctap.hatinh.gov.vn"
    assert [warning.id for warning in mail_links_are_https()] == ["events.W002"]
    settings.WAGTAILADMIN_BASE_URL = "https://hoctap.hatinh.gov.vn"
    assert mail_links_are_https() == []
