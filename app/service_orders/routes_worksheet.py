"""Technician worksheet actions on the job page: parts (search, add, step, remove),
report autosave, photos and the customer's signature. No price reaches these responses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.catalog.services import search_items
from app.core import clock
from app.core.errors import DomainError
from app.core.http import form_errors, int_arg, paginate, roles_required
from app.service_orders import board, part_steps, parts, queries, signoff
from app.service_orders.forms import signature_png
from app.service_orders.routes import READERS, WORKERS, bp, local_time
from app.service_orders.routes_technician import (
    _back,
    _is_htmx,
    _refused,
    part_groups,
    render_job,
)


@bp.get("/<int:order_id>/parts/search")
@roles_required(*WORKERS)
def part_search(order_id: int) -> str:
    """Options for the parts combobox: name, SKU and unit only — never a price."""
    order = queries.get_order(current_user, order_id)
    q = request.args.get("part_q", "").strip()[:100]
    # An empty query offers the parts this user added most recently.
    items = paginate(search_items(q), 1, 10).items if q else board.recent_parts(current_user.id)
    return render_template("service_orders/_part_options.html", items=items, q=q, order=order)


@bp.post("/<int:order_id>/parts")
@roles_required(*WORKERS)
def add_part(order_id: int) -> Any:
    item_id = int_arg(request.form.get("catalog_item_id"))
    quantity = request.form.get("quantity", "1").strip() or "1"
    try:
        usage = parts.add_part(
            current_user,
            order_id,
            catalog_item_id=item_id,
            quantity=quantity.replace(",", "."),
            client_id=request.form.get("client_id") or None,
            **(
                {}
                if item_id
                else {
                    "description": request.form.get("description", ""),
                    "unit": request.form.get("unit", ""),
                }
            ),
        )
    except DomainError as error:
        return _refused(order_id, error, "parts")
    flash(f"Added {usage.quantity.normalize():f} {usage.unit} {usage.description}.", "success")
    return _back(order_id, "parts")


@bp.post("/<int:order_id>/parts/step")
@roles_required(*WORKERS)
def step_part(order_id: int) -> Any:
    """The minus/plus stepper on the newest use of a part; the form carries the quantity it
    showed, so a repeated tap request changes nothing twice."""
    order = queries.get_order(current_user, order_id)
    key = request.form.get("key", "")
    group = next((g for g in part_groups(order) if g["key"] == key), None)
    if group is None:
        abort(404)
    usage, left = group["uses"][-1]
    delta = Decimal(1) if request.form.get("delta") == "+1" else Decimal(-1)
    try:
        changed = part_steps.step_part(
            current_user,
            usage.id,
            expected=request.form.get("seen", str(left)),
            target=str(left + delta),
        )
    except DomainError as error:
        return _refused(order_id, error, "parts")
    if not changed:
        flash(f"{group['description']} had changed already; check the quantity.", "warning")
    return _back(order_id, "parts")


@bp.post("/<int:order_id>/parts/remove")
@roles_required(*WORKERS)
def remove_part(order_id: int) -> Any:
    order = queries.get_order(current_user, order_id)
    key = request.form.get("key", "")
    group = next((g for g in part_groups(order) if g["key"] == key), None)
    if group is None:
        abort(404)
    try:
        for usage, _left in group["uses"]:
            parts.remove_part(current_user, usage.id)
    except DomainError as error:
        return _refused(order_id, error, "parts")
    if group["catalog_item_id"] and current_user.role == "technician":
        # Undo re-adds the same quantity of the catalog item (offered on the job page).
        return redirect(
            url_for(
                "service_orders.show",
                order_id=order_id,
                removed_item=group["catalog_item_id"],
                removed_qty=f"{group['quantity'].normalize():f}",
            )
            + "#parts"
        )
    flash(f"Removed {group['description']}.", "success")
    return _back(order_id, "parts")


@bp.post("/<int:order_id>/report")
@roles_required("technician")
def save_report(order_id: int) -> Any:
    try:
        signoff.update_report(current_user, order_id, request.form.get("report", ""))
    except DomainError as error:
        if _is_htmx():
            return render_template("service_orders/_saved.html", error=error.message), 422
        return render_job(order_id, form_errors(error, "report"))
    if _is_htmx():
        return render_template("service_orders/_saved.html", at=local_time(clock.now_utc()))
    flash("Report saved.", "success")
    return _back(order_id, "report")


@bp.post("/<int:order_id>/photos")
@roles_required("technician")
def add_photos(order_id: int) -> Any:
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        return render_job(order_id, {"photos": ["Choose one or more photos."]})
    added = 0
    for upload in files:
        try:
            signoff.add_photo(
                current_user,
                order_id,
                upload.read(),
                filename=upload.filename or "",
                caption=request.form.get("caption", ""),
            )
        except DomainError as error:
            messages = form_errors(error, "photo").get("photo", [error.message])
            return render_job(order_id, {"photos": [f"{upload.filename}: {m}" for m in messages]})
        added += 1
    flash(f"{added} photo{'s' if added != 1 else ''} added.", "success")
    return _back(order_id, "photos")


@bp.get("/photos/<int:photo_id>")
@roles_required(*READERS)
def photo(photo_id: int) -> Response:
    found = signoff.get_photo(current_user, photo_id)
    return send_file(signoff.stored_file(found.path), mimetype=found.content_type, max_age=0)


@bp.post("/photos/<int:photo_id>/delete")
@roles_required("technician")
def delete_photo(photo_id: int) -> Any:
    found = signoff.get_photo(current_user, photo_id)
    order_id = found.order_id
    try:
        signoff.remove_photo(current_user, photo_id)
    except DomainError as error:
        return _refused(order_id, error, "photos")
    flash("Photo deleted.", "success")
    return _back(order_id, "photos")


@bp.get("/<int:order_id>/signature.png")
@roles_required(*READERS)
def signature(order_id: int) -> Response:
    order = queries.get_order(current_user, order_id)
    if not order.signature_path:
        abort(404)
    return send_file(signoff.stored_file(order.signature_path), mimetype="image/png", max_age=0)


@bp.post("/<int:order_id>/sign")
@roles_required("technician")
def sign(order_id: int) -> Any:
    png = signature_png(request.form.get("signature"))
    name = request.form.get("signer_name", "")
    errors: dict[str, list[str]] = {}
    if png is None:
        errors["signature"] = ["Ask the customer to sign in the box."]
    if not name.strip():
        errors["signer_name"] = ["Enter the name of the person signing."]
    if errors:
        return render_job(order_id, errors)
    try:
        order = signoff.sign_order(
            current_user,
            order_id,
            png or b"",
            signer_name=name,
            client_id=request.form.get("client_id") or None,
            signed_at=request.form.get("signed_at") or None,
            work_seen=request.form.get("work_seen") or None,
        )
    except DomainError as error:
        return render_job(order_id, form_errors(error, "signature"))
    flash(f"Signed by {order.signed_by_name}.", "success")
    return _back(order_id, "signoff")
