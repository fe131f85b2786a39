"""Instance field values, typed by the process's `fields`, from text a person typed."""

from __future__ import annotations

from collections.abc import Mapping

from flowkit.errors import InputError
from flowkit.lang.numerals import parse_number
from flowkit.lang.times import parse_date
from flowkit.messages import msg, pmsg, words
from flowkit.model import Field, Process
from flowkit.store.rows import FieldValue

_TRUE = {"true", "yes", "y", "1", "是", "对"}
_FALSE = {"false", "no", "n", "0", "否", "不"}
# The kinds of a field as a message names them ("field 'amount' is a number, not 'abc'").
_KINDS = {
    "number": pmsg("field type", "number"),
    "integer": pmsg("field type", "integer"),
    "boolean": pmsg("field type", "boolean"),
    "date": pmsg("field type", "date"),
}


def typed_fields(
    process: Process, given: Mapping[str, str], *, require: bool = True
) -> dict[str, FieldValue]:
    """Values by field id; unknown fields and bad values name what is allowed."""
    by_id = {f.id: f for f in process.fields}
    by_label = {f.label: f for f in process.fields if f.label}
    out: dict[str, FieldValue] = {}
    for key, text in given.items():
        field = by_id.get(key) or by_label.get(key)
        if field is None:
            known = words(by_id) or msg("none")
            raise InputError(
                msg(
                    "process '{process}' has no field '{field}' (fields: {known})",
                    process=process.id,
                    field=key,
                    known=known,
                )
            )
        out[field.id] = typed_value(field, text)
    if require:
        missing = [f.id for f in process.fields if f.required and f.id not in out]
        if missing:
            raise InputError(
                msg(
                    "process '{process}' requires field(s): {fields}",
                    process=process.id,
                    fields=words(missing),
                ),
                msg("pass them as --field NAME=VALUE"),
            )
    return out


def typed_value(field: Field, text: str) -> FieldValue:
    """One value; enum values may also be given by their display label (大型企业 for large)."""
    kind = field.type.kind
    raw = text.strip()
    try:
        if kind in ("number", "integer"):
            number = parse_number(raw)
            if kind == "integer" or number.is_integer():
                if not number.is_integer():
                    raise ValueError
                return int(number)
            return number
        if kind == "boolean":
            lowered = raw.lower()
            if lowered in _TRUE or lowered in _FALSE:
                return lowered in _TRUE
            raise ValueError
        if kind == "date":
            return parse_date(raw).isoformat()
    except ValueError as e:
        raise InputError(
            msg(
                "field '{field}' is a {kind}, not {text!r}",
                field=field.id,
                kind=_KINDS.get(kind, kind),
                text=text,
            )
        ) from e
    if kind == "enum":
        labels = {label: value for value, label in field.labels}
        value = labels.get(raw, raw)
        if value not in field.type.values:
            raise InputError(
                msg(
                    "field '{field}' is one of {allowed}, not {text!r}",
                    field=field.id,
                    allowed=words(field.type.values),
                    text=text,
                )
            )
        return value
    return raw
