"""The security protections of Coopilote and the tests that must catch their removal.

Each :class:`Mutation` names one protection at its real code location: ``original`` is the exact
text (found exactly once in ``path``) and ``replacement`` the same code with the protection
removed, still valid Python. ``tests`` are pytest node ids that must fail once it is removed.
Used by ``scripts/protection_check.py``; ``tests/hardening/test_protection_check.py`` checks
that every original text is still found, so this list cannot rot silently. When you move or
reword a protection, update its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str
    original: str
    replacement: str
    tests: tuple[str, ...]
    # A protection built in layers is removed as a whole: more (path, original, replacement).
    also: tuple[tuple[str, str, str], ...] = ()

    @property
    def patches(self) -> tuple[tuple[str, str, str], ...]:
        return ((self.path, self.original, self.replacement), *self.also)


def M(name, path, original, replacement, *tests):
    return Mutation(name, path, original, replacement, tuple(tests))


AUTH = "tests/core/test_auth.py"
ACCOUNT = "tests/core/test_account.py"
HEADERS = "tests/hardening/test_headers.py"
RATE = "tests/hardening/test_ratelimit.py"
SOCKETS = "tests/hardening/test_socket_matrix.py"
REVOKE = "tests/hardening/test_socket_revocation.py"
UPLOADS = "tests/plugins/checklists/test_checklists_uploads.py"
CHAIN = "tests/hardening/test_activity_chain.py"
GUARDS = "tests/hardening/test_guards.py"

MUTATIONS = [
    # -- Requests: CSRF, permissions, object scoping, optimistic locking -----------------------
    M(
        "csrf-check",
        "workspace/__init__.py",
        "    csrf.init_app(app)\n",
        '    csrf.init_app(app)\n    app.config["WTF_CSRF_CHECK_DEFAULT"] = False\n',
        "tests/core/test_errors_csrf.py::test_post_without_csrf_token_is_refused",
        "tests/core/test_errors_csrf.py::test_htmx_header_token_is_accepted",
    ),
    M(
        "requires-decorator",
        "workspace/permissions.py",
        "            require(current_user, project, permission)\n            return view(",
        "            return view(",
        "tests/core/test_matrix.py::test_matrix",
        "tests/hardening/test_route_matrix.py::test_every_route_for_every_visitor",
    ),
    M(
        "can-roles",
        "workspace/permissions.py",
        "    if not roles & perm.roles:\n        return False\n",
        "",
        "tests/core/test_matrix.py::test_matrix",
    ),
    M(
        "can-archived-writes",
        "workspace/permissions.py",
        "    return not (perm.write and project.archived)\n",
        "    return True\n",
        "tests/core/test_matrix.py::test_archived_project_refuses_member_changes",
    ),
    M(
        "api-permission",
        "workspace/api/base.py",
        "            if permission is not None:\n                require(current_user, project,",
        "            if permission is None:\n                require(current_user, project,",
        "tests/api/test_matrix.py::test_matrix",
    ),
    M(
        "api-read-only-token",
        "workspace/api/base.py",
        "    if token is not None and not token.can_write:\n",
        "    if False:\n",
        "tests/api/test_matrix.py::test_matrix",
    ),
    M(
        "idor-get-task",
        "plugins/board/lookups.py",
        "    if task is None or task.project_id != project_id or task.deleted_at is not None:\n",
        "    if task is None or task.deleted_at is not None:\n",
        "tests/hardening/test_route_matrix.py::test_object_of_another_project_is_404",
    ),
    M(
        "version-check-task-edit",
        "plugins/board/views_tasks.py",
        '    check_version(\n        task,\n        request.form.get("version"),',
        '    (lambda *a, **kw: None)(\n        task,\n        request.form.get("version"),',
        "tests/plugins/board/test_tasks.py::test_update_and_stale_update_is_409",
    ),
    M(
        "webhook-ssrf",
        "workspace/api/ssrf.py",
        "        if _forbidden(ip):\n",
        "        if False:\n",
        "tests/api/test_webhooks.py::test_ssrf_refused",
        "tests/api/test_webhooks.py::test_ssrf_checked_again_at_delivery",
    ),
    # -- Sign-in, sessions, passwords ----------------------------------------------------------
    M(
        "ratelimit-sign-in-per-account",
        "workspace/auth/ratelimit.py",
        '[(cfg["RATELIMIT_LOGIN_ACCOUNT"], account_key, _failed)]',
        "[]",
        f"{RATE}::test_account_locked_after_five_failures_same_answer_for_unknown",
    ),
    M(
        "ratelimit-sign-in-per-address",
        "workspace/auth/views.py",
        "        if address_wait:  # this address used up",
        "        if False:  # this address used up",
        f"{RATE}::test_address_limited_across_accounts",
        f"{RATE}::test_a_right_password_passes_an_exhausted_address",
    ),
    M(
        "session-rotation-on-sign-in",
        "workspace/auth/views.py",
        "            session.clear()  # rotate the session on sign-in\n",
        "",
        f"{AUTH}::test_signing_in_rotates_the_session",
        f"{RATE}::test_session_rotated_on_sign_in",
    ),
    M(
        "session-epoch",
        "workspace/auth/sessions.py",
        "    if not user.active or user.session_epoch != epoch:\n",
        "    if not user.active:\n",
        f"{ACCOUNT}::test_sign_out_everywhere_keeps_this_session",
        f"{ACCOUNT}::test_password_change_signs_out_other_sessions",
    ),
    Mutation(
        "inactive-account",
        "workspace/auth/sessions.py",
        "    if not user.active or user.session_epoch",
        "    if user.session_epoch",
        (f"{GUARDS}::test_deactivated_account_loses_its_session_even_without_an_epoch_bump",),
        # Flask-Login's is_authenticated is is_active: the second layer of the same check.
        also=(("workspace/models.py", "        return self.active\n", "        return True\n"),),
    ),
    M(
        "password-length",
        "workspace/auth/credentials.py",
        "    if len(password) < min_length:\n",
        "    if False:\n",
        f"{ACCOUNT}::test_reset_form_enforces_password_rules",
        f"{ACCOUNT}::test_password_change_needs_the_current_password",
    ),
    M(
        "password-common",
        "workspace/auth/credentials.py",
        "    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:\n",
        "    if False:\n",
        f"{ACCOUNT}::test_reset_form_enforces_password_rules",
    ),
    # -- Response headers ----------------------------------------------------------------------
    M(
        "csp-header",
        "workspace/__init__.py",
        '    h.setdefault("Content-Security-Policy", CSP)\n',
        "",
        f"{HEADERS}::test_headers_on_public_responses",
    ),
    M(
        "csp-frame-ancestors",
        "workspace/__init__.py",
        "\"frame-ancestors 'none'; ",
        '"',
        f"{HEADERS}::test_headers_on_public_responses",
    ),
    M(
        "nosniff-header",
        "workspace/__init__.py",
        '    h.setdefault("X-Content-Type-Options", "nosniff")\n',
        "",
        f"{HEADERS}::test_headers_on_public_responses",
    ),
    M(
        "no-store-when-signed-in",
        "workspace/__init__.py",
        '        h.setdefault("Cache-Control", "private, no-store")\n',
        "        pass\n",
        f"{HEADERS}::test_headers_and_no_inline_script_on_member_pages",
    ),
    # -- Uploads -------------------------------------------------------------------------------
    M(
        "upload-size-limit",
        "workspace/web/uploads.py",
        "    if len(data) > MAX_BYTES:\n",
        "    if False:\n",
        f"{UPLOADS}::test_refused_document_stores_nothing",
    ),
    M(
        "upload-type-by-content",
        "workspace/web/uploads.py",
        "    kind = sniff(data)\n",
        '    kind = sniff(data) or ("pdf", "application/pdf")\n',
        f"{UPLOADS}::test_refused_document_stores_nothing",
    ),
    M(
        "download-as-attachment",
        "workspace/web/uploads.py",
        "as_attachment=True, download_name=name",
        "as_attachment=False, download_name=name",
        f"{UPLOADS}::test_download_authorisation",
    ),
    M(
        "download-sandbox-csp",
        "workspace/web/uploads.py",
        '    response.headers["Content-Security-Policy"] = "default-src \'none\'; sandbox"\n',
        "",
        f"{GUARDS}::test_download_is_a_sandboxed_attachment",
    ),
    M(
        "idor-download-file",
        "workspace/projects/views.py",
        "    if stored is None or stored.project_id != project_id:\n",
        "    if stored is None:\n",
        "tests/hardening/test_route_matrix.py::test_object_of_another_project_is_404",
    ),
    # -- Integrity and escaping ----------------------------------------------------------------
    M(
        "activity-chain-hash",
        "workspace/events.py",
        "entry.entry_hash != _hash(prev, entry_fields(entry))",
        "False",
        f"{CHAIN}::test_tampered_summary_reports_its_id",
    ),
    M(
        "activity-chain-link",
        "workspace/events.py",
        "if entry.prev_hash != prev or entry.entry_hash",
        "if entry.entry_hash",
        f"{GUARDS}::test_tampered_stored_link_of_the_chain_is_reported",
    ),
    M(
        "jinja-autoescape",
        "workspace/web/templating.py",
        "def init_templating(app) -> None:\n",
        "def init_templating(app) -> None:\n    app.jinja_env.autoescape = False\n",
        f"{GUARDS}::test_what_people_type_is_escaped_in_pages",
    ),
    M(
        "comment-sanitiser",
        "plugins/comments/render.py",
        "    return nh3.clean(\n        rendered,",
        "    return rendered\n    nh3.clean(\n        rendered,",
        "tests/plugins/comments/test_sanitise.py",
    ),
    # -- Realtime ------------------------------------------------------------------------------
    M(
        "socket-connect-signed-in",
        "workspace/realtime/hub.py",
        "    if not current_user.is_authenticated:\n        return False  # refuse anonymous",
        "    if False:\n        return False  # refuse anonymous",
        SOCKETS,
    ),
    M(
        "socket-join-can",
        "workspace/realtime/hub.py",
        'if project is None or not can(current_user, project, "project.view"):',
        "if project is None:",
        f"{SOCKETS}::test_every_event_for_every_visitor",
    ),
    M(
        "socket-typing-can",
        "plugins/comments/realtime.py",
        ' or not can(current_user, project, "comments.post"):',
        ":",
        f"{SOCKETS}::test_every_event_for_every_visitor",
    ),
    M(
        "socket-eviction-can",
        "workspace/realtime/hub.py",
        'or not can(session.get(User, uid), project, "project.view")',
        "or False",
        f"{REVOKE}::test_removed_member_stops_hearing_and_is_refused_on_rejoin",
    ),
    M(
        "socket-eviction-ended-sessions",
        "workspace/realtime/hub.py",
        '                if uid in plan["ended"] or not can(',
        "                if False or not can(",
        f"{REVOKE}::test_ended_sessions_stop_hearing_and_are_refused",
    ),
    # -- Cached fragments: never a viewer's token, never another viewer's rights -------------
    M(
        "fragment-csrf-placeholder",
        "workspace/cache/fragments.py",
        '    if g.get("fragment_placeholder"):\n        return PLACEHOLDER\n',
        "",
        "tests/core/test_fragments.py::test_each_viewer_gets_their_own_csrf_token",
        "tests/plugins/board/test_board_fragment.py::test_each_viewer_gets_a_working_token_of_their_own",
    ),
    # -- Signing out ends this session for good -------------------------------------------------
    M(
        "revoked-session",
        "workspace/auth/sessions.py",
        "    if row is None or (revoked is not None and row[1]):\n",
        "    if row is None:\n",
        f"{AUTH}::test_a_session_cookie_copied_before_logout_is_refused_after",
    ),
    M(
        "logout-clears-remember-cookie",
        "workspace/auth/views.py",
        "    session.clear()\n    logout_user()\n",
        "    logout_user()\n    session.clear()\n",
        f"{AUTH}::test_logout_deletes_the_remember_cookie",
    ),
    # -- Backups import nothing outside the new project; controls never reach XML ----------------
    M(
        "backup-foreign-reference",
        "workspace/backup/importer.py",
        "    if old not in ids:\n",
        "    if old not in ids and False:\n",
        "tests/hardening/test_backup_hostile.py::test_a_membership_in_another_project_is_refused",
        "tests/hardening/test_backup_hostile.py::test_a_task_written_into_another_project_is_refused",
    ),
    M(
        "backup-never-admin",
        "workspace/backup/importer.py",
        '            values["is_admin"] = False\n',
        '            values["is_admin"] = row.get("is_admin", False)\n',
        "tests/hardening/test_backup_hostile.py::test_an_imported_person_is_never_an_administrator",
    ),
    M(
        "board-template-scope",
        "plugins/board/setup.py",
        "BoardTemplate.site_wide.is_(True), BoardTemplate.source_project_id.in_(mine)",
        "BoardTemplate.site_wide.is_(True), BoardTemplate.id.isnot(None)",
        "tests/plugins/board/test_template_scope.py::test_a_crafted_key_copies_nothing",
    ),
    M(
        "input-control-characters",
        "workspace/forms/input_guard.py",
        '    return CONTROLS.sub("", text.replace(NUL, REPLACEMENT))\n',
        "    return text.replace(NUL, REPLACEMENT)\n",
        "tests/hardening/test_exports_property.py::test_forms_strip_control_characters",
    ),
    M(
        "fragment-key-rights",
        "plugins/board/body.py",
        "    key = (editable, manage, day, astuple(filters))\n",
        "    key = (day, astuple(filters))\n",
        "tests/plugins/board/test_board_fragment.py::test_rights_are_part_of_the_key",
    ),
]
