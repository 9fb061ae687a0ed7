"""Build one SVG sprite of the Lucide icons the interface uses (each used with a text label)."""

import re
import sys
from pathlib import Path

ICONS = [
    "layout-dashboard",
    "kanban",
    "list-checks",
    "flag",
    "euro",
    "chart-line",
    "messages-square",
    "activity",
    "users",
    "bell",
    "search",
    "log-out",
    "user",
    "plus",
    "pencil",
    "trash-2",
    "archive",
    "archive-restore",
    "check",
    "x",
    "clock",
    "alert-triangle",
    "calendar",
    "message-circle",
    "paperclip",
    "download",
    "upload",
    "settings",
    "eye",
    "lock",
    "menu",
    "chevron-down",
    "chevron-right",
    "grip-vertical",
    "building-2",
    "filter",
    "move",
    "file-text",
    "link",
    "circle-check",
    "circle-alert",
    "circle-help",
    "folder-kanban",
    "shield",
    "arrow-up",
    "arrow-down",
    "ellipsis",
    "send",
    "undo-2",
    "lock-open",
    "message-square",
    "history",
    "wifi-off",
]


def main(src: str, dest: str) -> None:
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" style="display:none">']
    for name in ICONS:
        path = Path(src) / f"{name}.svg"
        if not path.exists():
            print(f"missing icon {name}", file=sys.stderr)
            continue
        body = re.search(r"<svg[^>]*>(.*)</svg>", path.read_text(), re.S).group(1)
        body = re.sub(r"<!--.*?-->", "", body, flags=re.S).strip()
        parts.append(f'<symbol id="i-{name}" viewBox="0 0 24 24">{body}</symbol>')
    parts.append("</svg>")
    Path(dest).write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
