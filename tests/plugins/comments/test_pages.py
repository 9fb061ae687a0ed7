"""Long threads: the latest conversations are shown, older ones load on demand (in place, or as
a page without JavaScript), the count stays the thread's, and the SQL does not grow with it."""

from __future__ import annotations

import re

from sqlalchemy import event

from plugins.comments import operations as ops
from plugins.comments.models import Comment
from workspace.extensions import db

from .helpers import thread_url


def _fill(project, author, n_threads: int, replies_every: int = 5) -> list[Comment]:
    """``n_threads`` conversations, one reply to every ``replies_every``-th (fast: no requests)."""
    tops = []
    for i in range(n_threads):
        top, _ = ops.post_comment(project, author, "project", project.id, f"Message {i}")
        tops.append(top)
        if i % replies_every == 0:
            ops.post_comment(project, author, "project", project.id, f"Réponse {i}", top.id)
    db.session.commit()
    return tops


def _statements(client, url: str) -> tuple[int, str]:
    """The SQL statements a GET of ``url`` runs (on a fresh session, as each request has in
    production), and the page."""
    db.session.remove()
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = client.get(url)
        assert page.status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen), page.text


def _shown(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-thread="(\d+)"', html)]


def test_the_latest_conversations_then_the_older_ones_on_demand(roles_project, login_as):
    project, people = roles_project
    tops = _fill(project, people["director"], ops.THREAD_PAGE + 12)
    client = login_as(people["funder"])
    page = client.get(thread_url(project)).text
    assert _shown(page) == [t.id for t in tops[-ops.THREAD_PAGE :]]
    # the badge counts the whole thread; the « older » item says what is left
    total = len(tops) + len(range(0, len(tops), 5))
    assert f"data-comment-count>{total}<" in page
    assert "Afficher les 12 conversations précédentes" in page
    older = re.search(r'hx-get="([^"]+/older[^"]+)"', page).group(1).replace("&amp;", "&")
    unloaded = int(re.search(r'data-unloaded="(\d+)"', page).group(1))
    assert unloaded == 12 + 3  # 12 conversations, 3 of them with a reply
    rest = client.get(older, headers={"HX-Request": "true"}).text
    assert _shown(rest) == [t.id for t in tops[:12]] and "older-comments" not in rest
    assert "Réponse 0" in rest and "Réponse 10" in rest
    # without JavaScript, the link opens the thread's older page
    plain = re.search(r'class="button small" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert _shown(client.get(plain).text) == [t.id for t in tops[:12]]


def test_a_short_thread_has_no_older_item(roles_project, login_as):
    project, people = roles_project
    _fill(project, people["director"], 3)
    page = login_as(people["director"]).get(thread_url(project)).text
    assert len(_shown(page)) == 3 and "older-comments" not in page


def test_older_refuses_bad_parameters_and_hidden_objects(roles_project, login_as):
    project, people = roles_project
    client = login_as(people["director"])
    base = f"/projects/{project.id}/comments/older"
    assert client.get(base + "?type=project&id=x&before=3").status_code == 400
    assert client.get(base + f"?type=project&id={project.id}").status_code == 400
    assert client.get(base + "?type=task&id=999999&before=3").status_code == 404


def test_a_thread_s_statements_do_not_grow_with_it(roles_project, login_as):
    from workspace.models import Project, User

    project, people = roles_project
    client = login_as(people["director"])
    url, project_id = thread_url(project), project.id
    director_id, adviser_id = people["director"].id, people["adviser"].id

    def statements() -> int:
        return _statements(client, url)[0]

    def fill(author_id: int, n: int) -> None:
        _fill(db.session.get(Project, project_id), db.session.get(User, author_id), n)

    fill(director_id, 5)
    statements()  # the first view also creates the reader's read marker
    # Then the adviser (another organisation) fills a page, then 80 conversations more.
    fill(adviser_id, ops.THREAD_PAGE)
    few = statements()
    fill(adviser_id, 80)
    assert statements() == few


def test_the_discussion_s_statements_do_not_grow_with_its_conversations(roles_project, login_as):
    """Each conversation on a task is shown with the task's title: the tasks are loaded in
    one query (``Commentable.model``), not one by one (30 loads for a full page)."""
    from plugins.board.setup import ensure_columns
    from tests.plugins.board.conftest import make_tasks
    from workspace.models import Project, User

    project, people = roles_project
    column = ensure_columns(project)[0]
    tasks = make_tasks(project, people["director"], column, ops.THREAD_PAGE)
    task_ids, project_id, adviser_id = [t.id for t in tasks], project.id, people["adviser"].id
    titles = [t.title for t in tasks]
    client = login_as(people["director"])

    def converse(ids) -> None:
        project, adviser = db.session.get(Project, project_id), db.session.get(User, adviser_id)
        for task_id in ids:
            ops.post_comment(project, adviser, "task", task_id, f"Sur la tâche {task_id}")
        db.session.commit()

    def statements() -> tuple[int, str]:
        return _statements(client, f"/projects/{project_id}/comments/")

    converse(task_ids[:2])
    statements()  # the first view creates the reader's read markers
    few, _ = statements()
    converse(task_ids[2:])
    many, page = statements()
    assert all(title in page for title in titles)
    assert many == few


def test_a_thread_already_read_is_shown_without_a_write(roles_project, login_as):
    """The read marker is written when there is something new to mark, and then without
    expiring what the request loaded: the layout does not read the membership again."""
    from workspace.models import Project, User

    project, people = roles_project
    client = login_as(people["director"])
    url, project_id, adviser_id = thread_url(project), project.id, people["adviser"].id
    _fill(project, people["adviser"], 3)
    statements = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(" ".join(statement.split()).upper())

    def view() -> tuple[list[str], list[str], str]:
        statements.clear()
        html = _statements(client, url)[1]
        writes = [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]
        memberships = [s for s in statements if "FROM MEMBERSHIP" in s]
        return writes, memberships, html

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        first = view()
        again = view()
        _fill(db.session.get(Project, project_id), db.session.get(User, adviser_id), 1)
        newer = view()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(first[0]) == 1 and first[0][0].startswith("INSERT")  # the new read marker
    assert again[0] == []  # nothing new: nothing written
    assert len(newer[0]) == 1 and newer[0][0].startswith("UPDATE")
    for _writes, memberships, _html in (first, again, newer):
        assert len(memberships) == 1, memberships  # read once, not again after the commit
    assert "Message 2" in again[2]
