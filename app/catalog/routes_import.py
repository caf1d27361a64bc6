"""Catalog CSV import page: upload, preview row by row with every error, then import all or
nothing. The previewed text travels back in the confirm form, so what is imported is exactly
what was previewed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.catalog.csv_import import (
    MAX_BYTES,
    CatalogImportFailed,
    ImportReport,
    RowError,
    import_catalog,
    preview_catalog_import,
)
from app.core.http import roles_required

bp = Blueprint("catalog_import", __name__, url_prefix="/catalog")
STAFF = ("admin", "dispatcher", "bookkeeper")
PREVIEW_ROWS = 200


def _page(report: ImportReport | None, text: str, status: int = 200) -> Any:
    return render_template(
        "catalog/import.html",
        report=report,
        text=text,
        preview_rows=PREVIEW_ROWS,
        max_mb=MAX_BYTES // 1048576,
    ), status


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload() -> Any:
    if request.method == "GET":
        return _page(None, "")
    if request.form.get("confirm") == "1":
        text = request.form.get("csv_text", "")
        try:
            report = import_catalog(current_user, text.encode("utf-8"))
        except CatalogImportFailed as failed:
            return _page(ImportReport(errors=failed.errors), text, 422)
        flash(
            f"Catalog imported: {report.created} item{'s' if report.created != 1 else ''} "
            f"added, {report.updated} updated.",
            "success",
        )
        return redirect(url_for("catalog.index"))
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload and upload.filename else b""
    if not data:
        report = ImportReport(errors=[RowError(0, "file", "Choose a CSV file to import.")])
        return _page(report, "", 422)
    report = preview_catalog_import(current_user, data)
    text = data.decode("utf-8-sig", errors="replace") if report.ok else ""
    return _page(report, text, 200 if report.ok else 422)
