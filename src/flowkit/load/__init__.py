"""Reading process files: bytes → positioned YAML data → schema-checked → model.

Each step only knows the one before it; `flowkit.validate` strings them together.
"""
