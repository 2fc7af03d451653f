"""gen/surface.json: the canonical manifest (the model plus its hash)."""
import json

FORMAT = 1


def render(model, idl_hash):
    doc = dict(model)
    doc["format"] = FORMAT
    doc["idl_hash"] = idl_hash
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
