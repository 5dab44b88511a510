"""What the case-study form page does besides loading, checking and calling a service:
filling the form, putting the rules' problems at their fields, and describing a conflict."""

from app.editing import history


def version_of(field):
    """The number a hidden version field carries, or None when it carries none."""
    text = (field.data or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def prefill(form, innovation, fixed_owner):
    """Fill the form from the stored case study, or with the format's defaults for a new one."""
    if innovation is not None:
        snapshot = history.snapshot_of(innovation)
        form.fill(snapshot["front_matter"], snapshot["body"])
        form.version.data = str(innovation.version)
        latest = history.latest(innovation)
        form.base.data = str(latest.number) if latest else ""
    else:
        # A new case study starts at the format's defaults (content-format.md).
        form.stage.data, form.language.data, form.owner_kind.data = "implemented", "id", "regency"
        if fixed_owner is not None:
            form.owner.data, form.owner_kind.data = fixed_owner.name, fixed_owner.kind
            form.region.data = fixed_owner.region_code or ""


def hidden_fields(fixed_owner):
    """Fields an official's form does not show: their problems go above the form."""
    if fixed_owner is None:
        return ()
    hidden = ("owner", "owner_kind", "awards", "sample")
    return (*hidden, "region") if fixed_owner.is_government else hidden


def _field(form, name):
    """The form's field called ``name``; ``contacts-<n>-<part>`` is the n-th contact the form
    listed (rows left empty or removed are not counted), at its row; ``indicators-<n>-<part>``
    likewise the n-th indicator."""
    rows_of = (("contacts", "contact_rows"), ("indicators", "indicator_rows"), ("kit_steps", "kit_step_rows"),
               ("kit_pitfalls", "kit_pitfall_rows"))  # fmt: skip
    for prefix, rows_name in rows_of:
        if name.startswith(prefix + "-"):
            number, part = name[len(prefix) + 1 :].split("-", 1)
            rows = getattr(form, rows_name, [])
            if int(number) >= len(rows):
                return None
            return getattr(getattr(form, prefix).entries[rows[int(number)]].form, part, None)
    return getattr(form, name, None)


def attach(form, problems, hidden=()):
    """Show each problem at its field (once), or above the form when no field shows it."""
    for name, message in problems:
        field = _field(form, name) if name and name not in hidden else None
        if field is not None and hasattr(field, "errors") and name != "csrf_token":
            errors = list(field.errors)
            field.errors = errors if message in errors else [*errors, message]
        elif message not in form.form_errors:
            form.form_errors.append(message)
    for name in ("contacts", "indicators", "kit_steps", "kit_pitfalls"):
        rows = getattr(form, name, None)
        if rows is not None and any(entry.form.errors for entry in rows.entries):
            # The list's errors are collected when it validates: count those put at a row since.
            rows.errors = [entry.form.errors for entry in rows.entries]


def conflict_view(form, innovation, case, conflict):
    """What the other person changed: from what was loaded to what is stored now. The form
    keeps what was typed and now carries the stored version: saving again is a choice."""
    current = conflict.current or history.snapshot_of(innovation)
    loaded = conflict.loaded or history.snapshot_of_case(case)
    form.version.data = str(innovation.version)
    latest = history.latest(innovation)
    form.base.data = str(latest.number) if latest else ""
    return {"lines": history.diff(loaded, current), "known": conflict.loaded is not None}
