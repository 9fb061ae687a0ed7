"""Demo plan (DEMO.md): the GCSMS's first sections written by the three directors, one in
review, one validated by the Pôle, through the operations so the activity log tells it."""

from __future__ import annotations

from . import crdt
from . import operations as ops
from .render import Block
from .versions import save_version

B = {"bold": True}
TEXTS = {
    "Contexte et besoins": [
        Block(
            "p",
            [
                (
                    "Trois services du Vaucluse — un SAAD associatif à Apt, un SSIAD à "
                    "Carpentras et le service d'aide à domicile du CCAS de Cavaillon — "
                    "accompagnent ",
                    {},
                ),
                ("1 450 personnes", B),
                (" avec 310 salariés.", {}),
            ],
        ),
        Block(
            "p",
            [
                (
                    "Chacun peine seul à assurer la continuité des nuits et des week-ends, "
                    "la paie et la formation coûtent cher à trois, et les appels d'offres du "
                    "Département demandent une couverture que personne n'a seul.",
                    {},
                )
            ],
        ),
    ],
    "Objectifs": [
        Block("ul", [("Une astreinte de nuit et de week-end commune aux trois services.", {})]),
        Block("ul", [("Une paie et un plan de formation mutualisés dès 2027.", {})]),
        Block("ul", [("Répondre ensemble aux appels d'offres du Département.", {})]),
        Block("p", [("Les indicateurs du projet mesurent chacun de ces objectifs.", {})]),
    ],
    "Objet et membres du groupement (convention constitutive)": [
        Block(
            "p",
            [
                (
                    "Le GCSMS « Domicile Luberon-Ventoux » a pour objet l'astreinte, la paie, "
                    "la formation et la réponse commune aux appels d'offres. ",
                    {},
                )
            ],
        ),
        Block("h3", [("Membres", {})]),
        Block(
            "p",
            [
                (
                    "Association Aide et Présence du Luberon, Soins à Domicile du Comtat, "
                    "Services à la personne de Cavaillon (CCAS).",
                    {},
                )
            ],
        ),
    ],
    "Gouvernance et règles de décision": [
        Block(
            "p",
            [
                (
                    "Une assemblée générale où chaque membre a une voix, un administrateur "
                    "élu pour trois ans, un comité de pilotage mensuel des trois directions.",
                    {},
                )
            ],
        ),
        Block(
            "quote", [("Les décisions budgétaires se prennent à la majorité des deux tiers.", B)]
        ),
    ],
}


def demo(ctx) -> None:
    if ctx.story != "main":
        return  # the smaller demo projects have none
    sections = {s.title: s for s in ops.sections_of(ctx.project.id)}
    writers = ctx.directors
    for n, (title, lines) in enumerate(TEXTS.items()):
        section = sections.get(title)
        if section is None:
            continue
        author = writers[n % len(writers)]
        crdt.replace_text(section.id, lines, author.id)
        crdt.compact(section.id, author.id)
        ops.record_edit(section, author)
    context = sections.get("Contexte et besoins")
    if context is not None:
        ops.change_status(context, writers[0], "request_review")
        ops.change_status(context, ctx.people["julien"], "validate")
    goals = sections.get("Objectifs")
    if goals is not None:
        ops.change_status(goals, writers[1], "request_review")
    save_version(ctx.project, writers[0], "Version de travail pour le comité de pilotage")
