"""Two browsers: one comments, the other sees it and its unread count without reloading."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.factories import create_project, create_user
from tests.plugins.comments.xss import PAYLOADS
from workspace.extensions import db
from workspace.plugins import commentable


def _people():
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    julien = create_user("Julien Faure")
    project = create_project(
        {claire: "director", karim: "director", julien: "adviser"}, coordinators=[claire]
    )
    return project, claire, karim, julien


def _post(page, text):
    page.fill("form[data-comment-form] textarea", text)
    page.click("form[data-comment-form] button[type=submit]")


def _connected(page, timeout=10.0):
    """Wait for the page's Socket.IO connection (polled from Python: the CSP forbids eval), then
    for its join of the project's room (its own avatar in #presence): notices, typing and
    replies only reach a page once it has joined."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate("() => !!(window.Coop && Coop.socket && Coop.socket.connected)"):
            me = page.evaluate("() => document.body.dataset.user")
            expect(page.locator(f"#presence [data-user-id='{me}']")).to_be_attached()
            return
        page.wait_for_timeout(100)
    raise AssertionError("socket not connected")


def _wait_seen(user, project, timeout=10.0):
    from plugins.comments.models import Comment, CommentRead

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        latest = db.session.scalar(
            db.select(db.func.max(Comment.id)).filter_by(project_id=project.id)
        )
        seen = db.session.scalar(
            db.select(CommentRead.last_seen_id).filter_by(user_id=user.id, project_id=project.id)
        )
        if latest and seen == latest:
            return
        time.sleep(0.1)
    raise AssertionError(f"the reader's page never marked comment {latest} as read")


def test_project_thread_is_live_with_unread_count_and_typing(page_for, live_server):
    project, claire, karim, _julien = _people()
    base = f"{live_server}/projects/{project.id}/comments"
    reader = page_for(karim)
    reader.goto(base + "/")
    expect(reader.locator("[data-project-unread]")).to_contain_text("Tout est lu")
    _connected(reader)  # the unread count below changes live
    writer = page_for(claire)
    writer.goto(f"{base}/thread/project/{project.id}")
    _connected(writer)
    _post(writer, "Premier message **important**")
    expect(writer.locator("article.comment")).to_have_count(1)
    expect(writer.locator("form[data-comment-form] textarea")).to_have_value("")
    # The reader's unread count updates without reloading.
    expect(reader.locator("[data-project-unread]")).to_contain_text("1 message non lu")
    expect(reader.locator("[data-thread-unread]")).to_contain_text("1 non lu")
    reader.click("text=Discussion générale du projet")
    expect(reader.locator("article.comment strong", has_text="important")).to_be_visible()
    _connected(reader)
    # Typing indicator, then a live comment appears once.
    writer.locator("form[data-comment-form] textarea").press_sequentially("Deu")
    expect(reader.locator(".typing")).to_contain_text("Claire Martin est en train d")
    _post(writer, "Deuxième message")
    expect(reader.locator("article.comment")).to_have_count(2)
    expect(reader.locator("article.comment").nth(1)).to_contain_text("Deuxième message")
    # The page marks what it showed as read (debounced): wait until the server has the second
    # message as seen — a read of the first one, sent when the thread opened, may answer first,
    # and leaving the page would cancel the second.
    _wait_seen(karim, project)
    # Having seen it live, the reader has nothing unread.
    reader.goto(base + "/")
    expect(reader.locator("[data-project-unread]")).to_contain_text("Tout est lu")


def test_reply_edit_delete_and_mention_autocomplete(page_for, live_server):
    project, claire, karim, _julien = _people()
    url = f"{live_server}/projects/{project.id}/comments/thread/project/{project.id}"
    writer = page_for(claire)
    writer.goto(url)
    box = writer.locator("form[data-comment-form] textarea")
    box.press_sequentially("Bonjour @Jul")
    option = writer.locator(".mention-list [role=option]", has_text="Julien Faure")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Enter")
    expect(box).to_have_value("Bonjour @Julien Faure ")
    writer.click("form[data-comment-form] button[type=submit]")
    mention = writer.locator("article.comment .mention")
    expect(mention).to_have_text("@Julien Faure")
    watcher = page_for(karim)
    watcher.goto(url)
    _connected(watcher)
    watcher.click("[data-action=reply]")
    _post(watcher, "Une réponse")
    expect(writer.locator(".replies article.comment")).to_contain_text("Une réponse")
    # Karim cannot edit Claire's comment: no such control on his page.
    expect(watcher.locator("article.comment").first.locator("[data-action=edit]")).to_have_count(0)
    first = writer.locator("article.comment").first
    first.locator("[data-action=edit]").click()
    writer.fill("form.comment-edit textarea", "Bonjour à tous")
    writer.click("form.comment-edit button[type=submit]")
    expect(writer.locator("article.comment").first).to_contain_text("(modifié)")
    expect(watcher.locator("article.comment").first).to_contain_text("Bonjour à tous")
    writer.locator("article.comment").first.locator("[data-action=delete]").click()
    writer.click("dialog button.primary")
    expect(watcher.locator("article.comment").first).to_contain_text("Message supprimé")
    expect(watcher.locator(".replies article.comment")).to_contain_text("Une réponse")


def test_offline_post_keeps_the_text_and_is_sent_once_back_online(page_for, live_server):
    project, claire, _karim, _julien = _people()
    page = page_for(claire)
    page.goto(f"{live_server}/projects/{project.id}/comments/thread/project/{project.id}")
    page.context.set_offline(True)
    _post(page, "Écrit dans le train")
    expect(page.locator(".form-status")).to_contain_text("Hors ligne")
    expect(page.locator("form[data-comment-form] textarea")).to_have_value("Écrit dans le train")
    page.context.set_offline(False)
    expect(page.locator("article.comment")).to_have_count(1, timeout=20_000)
    expect(page.locator("form[data-comment-form] textarea")).to_have_value("")
    page.reload()
    expect(page.locator("article.comment")).to_have_count(1)


def test_files_sent_offline_arrive_once_and_reach_the_other_reader(page_for, live_server):
    """A message with a document, written offline: the text and the file wait, are sent once
    back online and appear live on the other member's page with a download link; a refused
    file says why next to the field and keeps the text."""
    from plugins.comments.models import CommentFile
    from tests.plugins.comments.test_files import PDF

    project, claire, karim, _julien = _people()
    url = f"{live_server}/projects/{project.id}/comments/thread/project/{project.id}"
    reader = page_for(karim)
    reader.goto(url)
    _connected(reader)
    page = page_for(claire)
    page.goto(url)
    files = page.locator("form[data-comment-form] input[type=file]")
    files.set_input_files([{"name": "outil.exe", "mimeType": "application/pdf", "buffer": b"MZ"}])
    _post(page, "Le devis est joint")
    expect(page.locator(".form-status")).to_contain_text("outil.exe : Type de fichier non accepté")
    expect(files).to_have_attribute("aria-invalid", "true")
    expect(page.locator("form[data-comment-form] textarea")).to_have_value("Le devis est joint")
    files.set_input_files([{"name": "devis.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.context.set_offline(True)
    page.click("form[data-comment-form] button[type=submit]")
    expect(page.locator(".form-status")).to_contain_text("Hors ligne")
    page.context.set_offline(False)
    link = page.locator("article.comment .comment-files a", has_text="devis.pdf")
    expect(link).to_be_visible(timeout=20_000)
    expect(files).to_have_value("")
    expect(files).not_to_have_attribute("aria-invalid", "true")
    expect(reader.locator("article.comment .comment-files a", has_text="devis.pdf")).to_be_visible()
    screenshot(page, "comment-files")
    assert db.session.scalar(db.select(db.func.count(CommentFile.id))) == 1
    with reader.expect_download() as download:
        reader.locator("article.comment .comment-files a").click()
    assert download.value.suggested_filename == "devis.pdf"


def test_older_conversations_load_on_demand_and_live_ones_still_arrive(page_for, live_server):
    from plugins.comments import operations as ops
    from tests.plugins.comments.test_pages import _fill

    project, claire, karim, _julien = _people()
    tops = _fill(project, karim, ops.THREAD_PAGE + 4)
    oldest_id = tops[0].id
    url = f"{live_server}/projects/{project.id}/comments/thread/project/{project.id}"
    page = page_for(claire)
    page.goto(url)
    _connected(page)
    threads = page.locator(".comment-list > li.thread-item")
    expect(threads).to_have_count(ops.THREAD_PAGE)
    total = len(tops) + len(range(0, len(tops), 5))
    expect(page.locator("[data-comment-count]")).to_have_text(str(total))
    # A reply in a conversation not shown yet: counted, not shown out of place.
    ops.post_comment(project, karim, "project", project.id, "Réponse tardive", oldest_id)
    db.session.commit()
    expect(page.locator("[data-comment-count]")).to_have_text(str(total + 1))
    expect(page.locator("article.comment", has_text="Réponse tardive")).to_have_count(0)
    page.locator(".older-comments").scroll_into_view_if_needed()
    screenshot(page, "comments-older")
    page.get_by_role("link", name="Afficher les 4 conversations précédentes").click()
    expect(threads).to_have_count(ops.THREAD_PAGE + 4)
    expect(page.locator(".older-comments")).to_have_count(0)
    expect(page.locator(f"#comment-{oldest_id}")).to_be_visible()
    expect(page.locator("article.comment", has_text="Réponse tardive")).to_have_count(1)
    expect(page.locator("[data-comment-count]")).to_have_text(str(total + 1))
    # The loaded ones get their controls; a new message still arrives at the end.
    expect(page.locator(f"#comment-{oldest_id} [data-action=reply]")).to_be_visible()
    _post(page, "Et un nouveau message")
    expect(threads.last).to_contain_text("Et un nouveau message")


def test_no_payload_executes_in_chromium(page_for, live_server):
    project, claire, karim, _julien = _people()
    url = f"{live_server}/projects/{project.id}/comments/thread/project/{project.id}"
    watcher = page_for(karim)
    watcher.goto(url)
    _connected(watcher)
    writer = page_for(claire)
    writer.goto(url)
    dialogs = []
    for p in (writer, watcher):
        p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for payload in PAYLOADS:
        _post(writer, payload)
        expect(writer.locator("form[data-comment-form] textarea")).to_have_value("")
    expect(watcher.locator("article.comment")).to_have_count(len(PAYLOADS))  # live, in place
    writer.reload()
    for p in (writer, watcher):
        p.wait_for_timeout(300)
        assert p.evaluate("window.__xss") is None
        assert (
            p.locator("article.comment script, article.comment img, article.comment iframe").count()
            == 0
        )
    assert dialogs == []


def _task():
    """``(project, claire, karim, task)``: a task Claire created (skipped without the board)."""
    if commentable("task") is None:
        pytest.skip("the board plugin is not loaded")
    setup = pytest.importorskip("plugins.board.setup")
    board_ops = pytest.importorskip("plugins.board.operations")
    project, claire, karim, _julien = _people()
    column = setup.ensure_columns(project)[0]
    task = board_ops.create_task(project, claire, column, title="Chiffrer l'astreinte de nuit")
    db.session.commit()
    return project, claire, karim, task


def test_task_thread_when_the_board_is_loaded(page_for, live_server):
    project, claire, karim, task = _task()
    base = f"{live_server}/projects/{project.id}/comments"
    reader = page_for(karim)
    reader.goto(base + "/")
    _connected(reader)
    writer = page_for(claire)
    writer.goto(f"{base}/thread/task/{task.id}")
    _connected(writer)
    _post(writer, "Je chiffre l'astreinte cette semaine")
    row = reader.locator(f"[data-thread-row='task:{task.id}']")
    expect(row).to_contain_text("Chiffrer l'astreinte de nuit")
    expect(row.locator("[data-thread-unread]")).to_have_text(re.compile("1 non lu"))


def test_a_card_s_comment_counter_follows_live(page_for, live_server):
    project, claire, karim, task = _task()
    reader = page_for(karim)
    reader.goto(f"{live_server}/projects/{project.id}/board/")
    _connected(reader)
    counter = reader.locator(f"#t{task.id} .cc")
    expect(counter).to_have_count(0)
    writer = page_for(claire)
    writer.goto(f"{live_server}/projects/{project.id}/comments/thread/task/{task.id}")
    _connected(writer)
    _post(writer, "Je chiffre l'astreinte cette semaine")
    expect(counter).to_have_text(re.compile(r"^1\b"))
    _post(writer, "Devis reçu")
    expect(counter).to_have_text(re.compile(r"^2\b"))
