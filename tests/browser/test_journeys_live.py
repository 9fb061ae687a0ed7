"""Two browsers on the demo board: directors of two partner organisations see each other's
move and comment appear without reloading, announced in the live region."""

from __future__ import annotations

from playwright.sync_api import expect

from plugins.board import operations as board_ops
from plugins.board.models import BoardColumn, Task
from plugins.comments.models import Comment
from tests.browser.conftest import screenshot
from tests.browser.live import max_seen, notices, settled, watch, watch_duplicates
from tests.browser.test_journeys import _demo
from workspace.extensions import db


def test_two_partner_directors_see_each_other_live(app, page_for, live_server):
    world = _demo(app)
    project = world.project
    claire, karim = world.people["coordinator"], world.people["director"]
    assert claire.organisation_id != karim.organisation_id
    columns = {
        c.name: c
        for c in db.session.scalars(db.select(BoardColumn).filter_by(project_id=project.id))
    }
    task = db.session.scalar(
        db.select(Task)
        .filter_by(column_id=columns["À faire"].id, archived=False)
        .order_by(Task.position)
        .limit(1)
    )
    url = f"{live_server}/projects/{project.id}/board/"
    watcher, mover = page_for(claire), page_for(karim)
    watcher.goto(url)
    mover.goto(url)
    # Both sockets joined the project's room: each page shows the other person online.
    expect(watcher.locator(f"#presence [data-user-id='{karim.id}']")).to_be_attached()
    expect(mover.locator(f"#presence [data-user-id='{claire.id}']")).to_be_attached()
    card_id = f"t{task.id}"
    watch(watcher)  # also proves no reload: the page keeps what it recorded
    watch_duplicates(watcher, card_id)

    # Karim moves the card to « En cours » with the keyboard.
    mover.locator(f"#{card_id}").focus()
    mover.keyboard.press("Alt+ArrowRight")
    expect(mover.locator("#live-announcer")).to_contain_text("déplacée vers En cours")
    doing = watcher.get_by_role("region", name="En cours", exact=True)
    expect(doing.get_by_role("link", name=task.title, exact=True)).to_be_visible()
    expect(watcher.locator("#live-announcer")).to_contain_text(
        f"Karim Benali a déplacé « {task.title} » vers En cours"
    )
    settled(watcher, 1)
    todo = watcher.get_by_role("region", name="À faire", exact=True)
    expect(todo.get_by_role("link", name=task.title, exact=True)).to_have_count(0)
    expect(watcher.locator(f"#{card_id}")).to_have_count(1)
    assert max_seen(watcher) == {card_id: 1}  # never in both columns, even for a moment
    db.session.expire_all()
    assert task.column_id == columns["En cours"].id
    assert board_ops.Order(columns["En cours"].id)[task.position] == task.id
    screenshot(watcher, "journey-live-board-watcher")

    # Both open the task; Karim's comment appears in Claire's panel.
    for page in (watcher, mover):
        page.get_by_role("link", name=task.title, exact=True).click()
    watcher_panel = watcher.get_by_role("dialog", name=task.title)
    mover_panel = mover.get_by_role("dialog", name=task.title)
    for panel in (watcher_panel, mover_panel):
        expect(panel.get_by_role("heading", name="Discussion")).to_be_visible()
    before = _comment_count(task)
    comments = watcher_panel.locator("article.comment")
    expect(comments).to_have_count(before)
    text = "J'ai prévenu les équipes de nuit du Comtat."
    mover_panel.get_by_label("Votre message").fill(text)
    mover_panel.get_by_role("button", name="Publier").click()
    expect(comments).to_have_count(before + 1)
    expect(comments.last).to_contain_text(text)
    expect(watcher.locator("#live-announcer")).to_contain_text(
        f"Karim Benali a commenté « {task.title} »"
    )
    settled(watcher, 2)
    assert notices(watcher) == ["task:moved", "comment:created"]
    screenshot(watcher, "journey-live-comment-watcher")
    assert _comment_count(task) == before + 1
    comment = db.session.scalar(
        db.select(Comment).filter_by(object_type="task", object_id=task.id, author_id=karim.id)
    )
    assert comment.body == text


def _comment_count(task) -> int:
    return db.session.scalar(
        db.select(db.func.count(Comment.id)).filter_by(object_type="task", object_id=task.id)
    )
