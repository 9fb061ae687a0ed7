"""The board in real browsers: drag and drop seen live by another director, the funder's
read-only board, the keyboard move announced to screen readers.

After a move, both columns and the card refresh themselves (from the mover's script and from the
realtime notice) in any order: assertions wait for the final state, and the card's id must never
be on the page twice (``watch_duplicates``).
"""

from __future__ import annotations

from playwright.sync_api import expect

from plugins.board import operations as ops
from plugins.board.setup import ensure_columns
from tests.browser.conftest import screenshot
from tests.browser.live import joined, max_seen, settled, watch, watch_duplicates
from tests.factories import create_project, create_user
from workspace.extensions import db


def _board():
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    pierre = create_user("Pierre Garnier")
    project = create_project(
        {claire: "director", karim: "director", pierre: "funder"}, coordinators=[claire]
    )
    columns = ensure_columns(project)
    tasks = [
        ops.create_task(project, claire, columns[0], title=f"Tâche {i}", area="rh")
        for i in range(3)
    ]
    db.session.commit()
    return project, columns, tasks, {"claire": claire, "karim": karim, "pierre": pierre}


def _open(page, url):
    """Go to the board; dismiss a first-visit dialog (the help tour) if the layout shows one."""
    page.goto(url)
    page.wait_for_load_state("load")
    skip = page.locator("dialog[open] button", has_text="Passer")
    if skip.count():
        skip.first.click()
        page.wait_for_selector("dialog[open]", state="detached", timeout=5000)


def _drag(page, source, target):
    box = page.locator(source).bounding_box()
    dest = page.locator(target).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(
            box["x"] + (dest["x"] + 40 - box["x"]) * step / 15,
            box["y"] + (dest["y"] + 30 - box["y"]) * step / 15,
        )
        page.wait_for_timeout(30)
    page.mouse.up()


def test_drag_seen_live_by_another_director(page_for, live_server):
    project, columns, tasks, people = _board()
    url = f"{live_server}/projects/{project.id}/board/"
    first = page_for(people["claire"])
    _open(first, url)
    second = page_for(people["karim"])
    _open(second, url)
    # Both sockets joined the project room (each sees the other's presence).
    first.wait_for_selector(f"#presence [data-user-id='{people['karim'].id}']")
    second.wait_for_selector(f"#presence [data-user-id='{people['claire'].id}']")
    task = tasks[1]
    watch(second)
    watch_duplicates(second, f"t{task.id}")
    _drag(first, f"#t{task.id} .tm", f".bcol-body[data-col='{columns[1].id}']")
    # Karim's board shows the card in « En cours » without reloading.
    second.wait_for_selector(f".bcol-body[data-col='{columns[1].id}'] #t{task.id}")
    settled(second)
    assert second.locator(f".bcol-body[data-col='{columns[0].id}'] #t{task.id}").count() == 0
    assert second.locator(f"#t{task.id}").count() == 1
    assert max_seen(second) == {f"t{task.id}": 1}
    db.session.expire_all()
    assert ops.Order(columns[1].id) == [task.id]


def test_funder_board_has_no_controls(page_for, live_server):
    project, _columns, tasks, people = _board()
    page = page_for(people["pierre"])
    _open(page, f"{live_server}/projects/{project.id}/board/")
    page.wait_for_selector(f"#t{tasks[0].id}")
    assert page.locator("#board[data-editable]").count() == 0
    assert page.locator("#board button, #board .quick-add, .tc .mv").count() == 0
    assert page.get_by_text("Nouvelle tâche").count() == 0
    assert page.locator("#move-dialog").count() == 0
    grip = page.evaluate("getComputedStyle(document.querySelector('.tc'), '::after').content")
    assert grip in ("none", "normal", "")


def test_keyboard_move_is_announced(page_for, live_server):
    project, columns, tasks, people = _board()
    page = page_for(people["claire"])
    _open(page, f"{live_server}/projects/{project.id}/board/")
    joined(page, people["claire"])  # its own notices reach the page
    watch(page)
    watch_duplicates(page, f"t{tasks[0].id}", f"t{tasks[1].id}")
    card = page.locator(f"#t{tasks[0].id}")
    card.focus()
    page.keyboard.press("Alt+ArrowRight")
    page.wait_for_selector(f".bcol-body[data-col='{columns[1].id}'] #t{tasks[0].id}")
    expect(page.locator("#live-announcer")).to_contain_text("déplacée vers En cours")
    settled(page, 1)  # both columns and the card refreshed: the focus stayed on the card
    expect(page.locator(f".bcol-body[data-col='{columns[1].id}'] #t{tasks[0].id}")).to_be_focused()
    # Then down one place inside « À faire » with Alt+↓ for the next card.
    page.locator(f"#t{tasks[1].id}").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.locator("#live-announcer")).to_contain_text("position 2")
    settled(page, 2)
    expect(page.locator(f"#t{tasks[1].id}")).to_be_focused()
    assert max_seen(page) == {f"t{tasks[0].id}": 1, f"t{tasks[1].id}": 1}
    db.session.expire_all()
    assert ops.Order(columns[0].id) == [tasks[2].id, tasks[1].id]


def test_move_dialog(page_for, live_server):
    project, columns, tasks, people = _board()
    page = page_for(people["karim"])
    _open(page, f"{live_server}/projects/{project.id}/board/")
    card_id = f"t{tasks[2].id}"
    joined(page, people["karim"])
    watch(page)
    watch_duplicates(page, card_id)
    page.locator(f"#{card_id} .mv").click()
    page.get_by_label("Colonne", exact=True).select_option(str(columns[2].id))
    page.get_by_label("Position dans la colonne").fill("1")
    page.get_by_role("button", name="Déplacer", exact=True).click()
    expect(page.locator("#live-announcer")).to_contain_text("déplacée vers")
    # The final state: the server's order, both columns refreshed, one card, focused.
    settled(page, 1)
    moved = page.locator(f".bcol-body[data-col='{columns[2].id}'] #{card_id}")
    expect(moved).to_be_focused()
    expect(page.locator(f"#{card_id}")).to_be_focused()
    expect(page.locator(f"#{card_id}")).to_have_count(1)
    assert max_seen(page) == {card_id: 1}  # never twice, even for a moment
    db.session.expire_all()
    assert ops.Order(columns[2].id) == [tasks[2].id]


def test_an_opened_card_is_in_the_address_and_back_closes_it(page_for, live_server):
    project, _columns, tasks, people = _board()
    board = f"{live_server}/projects/{project.id}/board/"
    page = page_for(people["claire"])
    _open(page, board)
    page.locator(f"#t{tasks[1].id} .tt").click()
    panel = page.locator("#task-panel")
    expect(panel).to_be_visible()
    page.wait_for_url(f"{board}?task={tasks[1].id}")  # copy the address: it shares the card
    page.go_back()
    expect(panel).to_be_hidden()
    assert page.url == board
    page.go_forward()
    expect(page.locator(f'#task-panel[data-task="{tasks[1].id}"]')).to_be_visible()
    page.keyboard.press("Escape")  # closing goes back to the board's address
    expect(panel).to_be_hidden()
    page.wait_for_url(board)  # history.back() lands a moment after the dialog closes
    # The shared address opens the card for whoever follows it.
    other = page_for(people["karim"])
    _open(other, f"{board}?task={tasks[1].id}")
    expect(other.locator(f'#task-panel[data-task="{tasks[1].id}"]')).to_be_visible()
    other.keyboard.press("Escape")
    expect(other.locator("#task-panel")).to_be_hidden()
    other.wait_for_url(board)


def test_a_conflict_keeps_its_title_in_view_and_copies_what_was_typed(page_for, live_server):
    project, _columns, tasks, people = _board()
    page = page_for(people["claire"])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _open(page, f"{live_server}/projects/{project.id}/board/?task={tasks[0].id}")
    page.locator("#task-panel .task-edit summary").click()
    # Meanwhile Karim saves a long description: the dialog is taller than the screen.
    ops.update_task(tasks[0], people["karim"], description="Une ligne.\n" * 60)
    db.session.commit()
    page.fill("#task-form input[name=title]", "Mon titre à garder")
    page.fill("#task-form textarea[name=description]", "Mon texte à garder")
    page.click("#task-form button[type=submit]")
    dialog = page.locator("dialog.conflict")
    expect(dialog).to_be_visible()
    mine = page.locator("#conflict-mine").inner_text()
    assert "Domaine\nRH / organisation" in mine and "area" not in mine
    page.evaluate("document.querySelector('dialog.conflict').scrollTop = 100000")
    title = page.locator("#conflict-title").bounding_box()
    assert title["y"] >= 0 and title["y"] + title["height"] <= 768
    screenshot(page, "board-conflict")
    page.get_by_role("button", name="Copier ma saisie").click()
    expect(page.get_by_role("button", name="Saisie copiée")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Titre : Mon titre à garder" in copied
    assert "Description : Mon texte à garder" in copied


def test_filters_apply_as_you_type_and_the_address_follows(page_for, live_server):
    project, columns, tasks, people = _board()
    ops.create_task(
        project, people["claire"], columns[1], title="Budget prévisionnel", area="gestion"
    )
    db.session.commit()
    board = f"{live_server}/projects/{project.id}/board/"
    page = page_for(people["claire"])
    _open(page, board)
    expect(page.locator(".board-filter-submit")).to_be_hidden()
    page.locator("#f-q").press_sequentially("budg", delay=40)
    expect(page.locator("#board .tc")).to_have_count(1)
    expect(page.locator("#board .tc .tt")).to_have_text("Budget prévisionnel")
    page.wait_for_url(f"{board}?q=budg")
    assert page.evaluate("document.activeElement.id") == "f-q"  # typing goes on
    expect(page.locator("#live-announcer")).to_contain_text("1 tâche affichée")
    expect(page.locator("#board-reset-slot a")).to_be_visible()
    assert "q=budg" in page.locator("#board-export").get_attribute("href")
    # A select applies at once; clearing the search shows the other tasks of that domain.
    page.select_option("#f-area", "rh")
    expect(page.locator("#board .tc")).to_have_count(0)
    page.fill("#f-q", "")
    expect(page.locator("#board .tc")).to_have_count(3)
    page.wait_for_url(f"{board}?area=rh")
    page.reload()
    expect(page.locator("#board .tc")).to_have_count(3)
    assert page.locator("#f-area").input_value() == "rh"
    # The swapped columns still take drops.
    page.select_option("#f-area", "")
    expect(page.locator("#board .tc")).to_have_count(4)
    _drag(page, f"#t{tasks[0].id}", f".bcol-body[data-col='{columns[2].id}']")
    expect(page.locator(f".bcol-body[data-col='{columns[2].id}'] #t{tasks[0].id}")).to_be_visible()


def test_a_deleted_task_comes_back_with_undo(page_for, live_server):
    project, _columns, tasks, people = _board()
    page = page_for(people["claire"])
    _open(page, f"{live_server}/projects/{project.id}/board/?task={tasks[1].id}")
    page.locator("#task-panel button.danger", has_text="Supprimer").click()
    page.locator("dialog.confirm >> text=Confirmer").click()
    expect(page.locator(f"#t{tasks[1].id}")).to_have_count(0)
    expect(page.locator("#task-panel")).to_have_count(0)
    page.wait_for_url(f"{live_server}/projects/{project.id}/board/")
    toast = page.locator(".toast", has_text="corbeille")
    expect(toast).to_be_visible()
    screenshot(page, "board-undo-toast")
    toast.get_by_role("button", name="Annuler").click()
    expect(page.locator(f"#t{tasks[1].id}")).to_be_visible()  # back, live
    expect(page.locator(".toast", has_text="restaurée")).to_be_visible()


def test_a_file_is_attached_from_the_panel(page_for, live_server, tmp_path):
    project, _columns, tasks, people = _board()
    devis = tmp_path / "devis-astreinte.png"
    devis.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page = page_for(people["claire"])
    _open(page, f"{live_server}/projects/{project.id}/board/?task={tasks[0].id}")
    page.set_input_files("#task-file-input", str(devis))
    page.locator("#task-files").get_by_role("button", name="Joindre", exact=True).click()
    expect(page.locator("#task-files a", has_text="devis-astreinte.png")).to_be_visible()
    screenshot(page, "board-task-file")
    page.locator("#task-files").get_by_role(
        "button", name="Retirer « devis-astreinte.png »"
    ).click()
    page.locator("dialog.confirm >> text=Confirmer").click()
    expect(page.locator("#task-files a", has_text="devis-astreinte.png")).to_have_count(0)


def test_a_long_column_loads_as_it_scrolls_and_keeps_the_keyboard_focus(page_for, live_server):
    """A column shows its first 100 cards; the next ones load when « Afficher plus » scrolls
    into view, without a click; a keyboard user who reaches that button lands on the first
    card it brought (the button is gone), not at the top of the page."""
    claire = create_user("Claire Martin")
    project = create_project({claire: "director"})
    column = ensure_columns(project)[0]
    tasks = [ops.create_task(project, claire, column, title=f"Tâche {i}") for i in range(230)]
    db.session.commit()
    first_new = f"t{tasks[200].id}"
    page = page_for(claire)
    _open(page, f"{live_server}/projects/{project.id}/board/")
    body = page.locator(f'.bcol-body[data-col="{column.id}"]')
    expect(body.locator(":scope > .tc")).to_have_count(100)
    body.locator(":scope > .more").scroll_into_view_if_needed()
    expect(body.locator(":scope > .tc")).to_have_count(200)
    more = body.locator(":scope > .more")
    expect(more).to_have_text("Afficher plus (30)")
    more.focus()  # as Tab would: the button scrolls into view and loads the rest
    expect(body.locator(":scope > .tc")).to_have_count(230)
    expect(page.locator(f"#{first_new}")).to_be_focused()
    expect(body.locator(":scope > .more")).to_have_count(0)
