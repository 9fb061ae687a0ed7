// Entry of static/vendor/coop-editor.min.js (bundled by scripts/vendor.sh with esbuild):
// the libraries of the plan's co-editor, exposed as window.CoopEditor for static/js/plan.js.
import * as Y from "yjs";
import Quill from "quill";
import QuillCursors from "quill-cursors";
import { QuillBinding } from "y-quill";

Quill.register("modules/cursors", QuillCursors);
window.CoopEditor = { Y, Quill, QuillBinding };
