"""The co-edited plan in real browsers: two directors type into one section at once, a third
person sees both edits and their carets live, and edits typed offline merge on reconnect."""

from __future__ import annotations

import re

from flask import current_app
from playwright.sync_api import expect

from plugins.plan import operations as ops
from tests.factories import create_project, create_user
from workspace.extensions import db

from .conftest import screenshot, wait_until


def _plan():
    claire = create_user("Claire Martin")
    karim = create_user("Karim Benali")
    julien = create_user("Julien Faure")
    project = create_project(
        {claire: "director", karim: "director", julien: "adviser"}, coordinators=[claire]
    )
    with current_app.test_request_context():
        section = ops.start_plan(project, claire)[1]
        db.session.commit()
    return project, section, claire, karim, julien


def _open(page, url):
    page.goto(url)
    wait_until(page, "() => !!(window.Coop && Coop.planDoc)")
    expect(page.locator("#plan-sync")).to_have_text("Enregistré")


HAS_ALL = "(w) => w.every((s) => Coop.planDoc.getText('content').toString().includes(s))"


def _text(page) -> str:
    return page.evaluate("() => Coop.planDoc.getText('content').toString()")


def test_two_directors_type_at_once_and_everyone_sees_both(page_for, live_server):
    project, section, claire, karim, julien = _plan()
    url = f"{live_server}/projects/{project.id}/plan/sections/{section.id}"
    a, b = page_for(claire), page_for(karim)
    reader = page_for(julien)
    for page in (a, b):
        _open(page, url)
    reader.goto(url)
    wait_until(reader, "() => !!(window.Coop && Coop.planDoc)")
    expect(reader.locator("#plan-sync")).to_have_text("Lecture seule")
    a.click(".ql-editor")
    b.click(".ql-editor")
    first, second = "Claire écrit ici. ", "Karim ajoute cela."
    for i in range(0, max(len(first), len(second)), 3):  # interleaved keystrokes
        a.keyboard.type(first[i : i + 3])
        b.keyboard.type(second[i : i + 3])
    for page in (a, b, reader):
        wait_until(page, HAS_ALL, [first.strip(), second])
    assert _text(a) == _text(b) == _text(reader)
    expect(a.locator("#plan-sync")).to_have_text("Enregistré")
    # Carets: each director sees the other's, named with the organisation.
    expect(a.locator(".ql-cursor-name", has_text="Karim Benali")).to_be_attached()
    expect(reader.locator("#plan-editors")).to_contain_text("Claire Martin")
    screenshot(a, "plan-two-directors")
    # The text is stored: a page loaded afterwards shows it without any editor.
    page = reader.context.new_page()
    page.goto(f"{live_server}/projects/{project.id}/plan/")
    expect(page.locator(f"#section-{section.id} .plan-text")).to_contain_text("Karim ajoute cela.")


def test_edits_typed_offline_merge_on_reconnect(page_for, live_server):
    project, section, claire, karim, _julien = _plan()
    url = f"{live_server}/projects/{project.id}/plan/sections/{section.id}"
    a, b = page_for(claire), page_for(karim)
    _open(a, url)
    _open(b, url)
    a.click(".ql-editor")
    a.keyboard.type("Texte commun. ")
    wait_until(b, "() => Coop.planDoc.getText('content').toString().includes('Texte commun.')")
    b.evaluate("() => Coop.socket.disconnect()")
    expect(b.locator("#plan-sync")).to_contain_text("Hors ligne")
    b.click(".ql-editor")
    b.keyboard.press("End")
    b.keyboard.type("Écrit hors ligne.")
    a.keyboard.type("Pendant ce temps. ")
    wait_until(a, "() => !document.querySelector('#plan-sync').textContent.includes('…')")
    assert "Écrit hors ligne." not in _text(a)
    b.evaluate("() => Coop.socket.connect()")
    for page in (a, b):
        wait_until(page, HAS_ALL, ["Écrit hors ligne.", "Pendant ce temps.", "Texte commun."])
    assert _text(a) == _text(b)
    expect(b.locator("#plan-sync")).to_have_text("Enregistré")


def test_an_adviser_comments_a_passage(page_for, live_server):
    project, section, claire, _karim, julien = _plan()
    url = f"{live_server}/projects/{project.id}/plan/sections/{section.id}"
    writer = page_for(claire)
    _open(writer, url)
    writer.click(".ql-editor")
    writer.keyboard.type("Une astreinte commune aux trois services.")
    expect(writer.locator("#plan-sync")).to_have_text("Enregistré")
    adviser = page_for(julien)
    adviser.goto(url)
    wait_until(adviser, HAS_ALL, ["astreinte commune"])
    expect(adviser.locator("#plan-quote")).to_be_hidden()
    adviser.evaluate("() => Coop.planEditor.setSelection(4, 17, 'user')")
    adviser.click("#plan-quote")
    box = adviser.locator("form[data-comment-form] textarea")
    expect(box).to_have_value("> « astreinte commune »\n\n")
    box.type("À chiffrer avant la signature.")
    adviser.click("form[data-comment-form] button[type=submit]")
    expect(adviser.locator("article.comment blockquote")).to_contain_text("astreinte commune")
    expect(writer.locator("article.comment")).to_contain_text("À chiffrer avant la signature.")
    # The passage is highlighted in everyone's text (without touching the document); the
    # quote leads to it.
    for page in (writer, adviser):
        wait_until(page, HIGHLIGHTED, "astreinte commune")
    screenshot(adviser, "plan-quoted-passage")
    writer.evaluate("() => Coop.planEditor.setSelection(0, 0, 'user')")
    quote = writer.locator("article.comment blockquote")
    expect(quote).to_have_attribute("title", "Voir ce passage dans le texte")
    quote.click()
    assert writer.evaluate("() => Coop.planEditor.getSelection()") == {"index": 4, "length": 17}
    assert _text(writer) == "Une astreinte commune aux trois services."  # nothing written
    # Rewritten by a director: the quote says the passage is gone, nothing is highlighted.
    writer.evaluate("() => Coop.planEditor.deleteText(4, 10, 'user')")  # « astreinte »
    expect(quote).to_have_class(re.compile(r"\bis-gone\b"))
    expect(quote).to_have_attribute("title", "Ce passage n'est plus dans le texte.")
    wait_until(adviser, "() => CSS.highlights.get('plan-quoted').size === 0")


HIGHLIGHTED = """(passage) => {
  const marks = CSS.highlights.get('plan-quoted');
  return !!marks && marks.size === 1 && [...marks][0].toString() === passage;
}"""


def test_the_plan_page_follows_others_live(page_for, live_server):
    project, section, claire, _karim, julien = _plan()
    base = f"{live_server}/projects/{project.id}/plan/"
    reader = page_for(julien)
    reader.goto(base)
    wait_until(reader, "() => !!(window.Coop && Coop.socket && Coop.socket.connected)")
    card = reader.locator(f"#section-{section.id}")
    expect(card.locator(".status")).to_have_text("Brouillon")
    writer = page_for(claire)
    writer.goto(base)
    writer.locator(f"#section-{section.id}").get_by_role(
        "button", name="Demander la relecture"
    ).click()
    expect(card.locator(".status")).to_have_text("En relecture")
    writer.goto(base)
    writer.get_by_role("link", name="Ajouter une section").click()
    writer.fill("input[name=title]", "Annexes")
    writer.get_by_role("button", name="Ajouter la section").click()
    expect(reader.locator(".plan-section h3", has_text="Annexes")).to_be_attached()  # twice live


def test_an_update_arriving_before_the_one_it_follows_fills_the_gap(page_for, live_server):
    """Another process relayed an update this browser never got, then one built on it: the
    editor asks the server for what it lacks instead of keeping a text with a hole."""
    from plugins.plan import crdt
    from plugins.plan.realtime import plan_room
    from tests.plugins.plan.conftest import Editor
    from workspace.extensions import socketio

    project, section, claire, karim, _julien = _plan()
    page = page_for(karim)
    _open(page, f"{live_server}/projects/{project.id}/plan/sections/{section.id}")
    other = Editor()
    first = other.type(0, "Première phrase. ")
    second = other.type(other.end, "Seconde phrase.")
    for update in (first, second):
        crdt.apply_update(section.id, claire.id, update)
    db.session.commit()
    payload = {"section": section.id, "update": second}  # the first one never reaches it
    socketio.emit("plan:update", payload, to=plan_room(project.id, section.id))
    wait_until(page, HAS_ALL, ["Première phrase. Seconde phrase."])
    expect(page.locator("#plan-sync")).to_have_text("Enregistré")
