"""The ``kit:`` of a case study (content-format.md): the replication kit's steps, each with
a typical duration in weeks, and the pitfalls to avoid (docs/decisions/0084). Checked for
files, the web form and restored versions alike; the checker returns the normalised value a
file would hold, so that an import, an export and a saved version compare equal.
"""

from app.content.evidence import _shown, _text, whole_number

KIT_FIELDS = ("steps", "pitfalls")
STEP_FIELDS = ("step", "weeks")
MAX_STEPS = 15
MAX_STEP = 300
MAX_PITFALLS = 10
MAX_PITFALL = 500
MIN_WEEKS, MAX_WEEKS = 1, 520


def check_kit(value, problem):
    """``kit:`` checked: ``{steps: [{step, weeks}], pitfalls: [text]}`` with only what is
    given (``weeks`` optional). ``problem(message)`` hears what is wrong, each message starting
    with ``steps``, ``step N:``, ``pitfalls`` or ``pitfall N:``. Anything wrong: nothing kept."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem("must be a mapping of steps and pitfalls")
        return {}
    ok = True
    for key in sorted(set(value) - set(KIT_FIELDS), key=str):
        problem(f"{key} is not a field of kit (steps, pitfalls)")
        ok = False
    steps = _steps(value.get("steps"), problem)
    pitfalls = _pitfalls(value.get("pitfalls"), problem)
    if not ok or steps is None or pitfalls is None:
        return {}
    kit = {}
    if steps:
        kit["steps"] = steps
    if pitfalls:
        kit["pitfalls"] = pitfalls
    return kit


def _steps(value, problem):
    if value in (None, []):
        return []
    if not isinstance(value, list):
        problem("steps must be a list of {step, weeks}")
        return None
    if len(value) > MAX_STEPS:
        problem(f"steps lists {len(value)} steps; at most {MAX_STEPS}")
        return None
    steps, ok = [], True
    for n, item in enumerate(value, start=1):
        if isinstance(item, str):
            item = {"step": item}
        if not isinstance(item, dict):
            problem(f"step {n}: must be {{step, weeks}}, not {_shown(item)}")
            ok = False
            continue
        for key in sorted(set(item) - set(STEP_FIELDS), key=str):
            problem(f"step {n}: {key} is not a field of a step (step, weeks)")
            ok = False
        text, reason = _text(item.get("step"), MAX_STEP)
        if reason:
            problem(f"step {n}: step {reason}")
            ok = False
            continue
        if not text:
            problem(f"step {n}: step is required")
            ok = False
            continue
        step = {"step": text}
        weeks = item.get("weeks")
        if weeks not in (None, ""):
            number, reason = whole_number(weeks, MAX_WEEKS)
            if reason is None and number < MIN_WEEKS:
                reason = f"is less than {MIN_WEEKS}"
            if reason:
                problem(f"step {n}: weeks {reason}, not {_shown(weeks)} (from {MIN_WEEKS} to {MAX_WEEKS})")
                ok = False
                continue
            step["weeks"] = number
        steps.append(step)
    return steps if ok else None


def _pitfalls(value, problem):
    if value in (None, []):
        return []
    if not isinstance(value, list):
        problem("pitfalls must be a list of texts")
        return None
    if len(value) > MAX_PITFALLS:
        problem(f"pitfalls lists {len(value)} pitfalls; at most {MAX_PITFALLS}")
        return None
    pitfalls, ok = [], True
    for n, item in enumerate(value, start=1):
        if not isinstance(item, str):
            problem(f"pitfall {n}: must be text, not {_shown(item)}")
            ok = False
            continue
        text, reason = _text(item, MAX_PITFALL)
        if reason:
            problem(f"pitfall {n}: {reason}")
            ok = False
        elif not text:
            problem(f"pitfall {n}: is empty")
            ok = False
        else:
            pitfalls.append(text)
    return pitfalls if ok else None


def kit_of(innovation):
    """The replication kit of ``innovation`` as the file format writes it (only what is given)."""
    kit = {}
    if innovation.kit_steps:
        kit["steps"] = [dict(step) for step in innovation.kit_steps]
    if innovation.kit_pitfalls:
        kit["pitfalls"] = list(innovation.kit_pitfalls)
    return kit


def fill_kit(innovation, kit):
    """Set the replication kit of ``innovation`` from the checked ``kit`` (file format)."""
    innovation.kit_steps = [dict(step) for step in kit.get("steps", [])] or None
    innovation.kit_pitfalls = list(kit.get("pitfalls", [])) or None


def copy_kit(kit):
    """A copy sharing no list or mapping with ``kit``."""
    copied = {}
    if "steps" in kit:
        copied["steps"] = [dict(step) for step in kit["steps"]]
    if "pitfalls" in kit:
        copied["pitfalls"] = list(kit["pitfalls"])
    return copied
