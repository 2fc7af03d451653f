"""gen/surface.json: the canonical manifest (the model plus its hash)."""
import json

from .ir import Model

FORMAT = 1


def render(model: Model, idl_hash: str) -> str:
    doc = model.to_json()
    doc["format"] = FORMAT
    doc["idl_hash"] = idl_hash
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
