"""The one way clerk-edited YAML is read.

Plain PyYAML lets a key written twice in one mapping silently replace the first:
a clerk who adds a second `fee:` under the first, or a synonym written again
further down the list, would see no error and lose one of them without knowing.
Here that is an error with its line, like any other YAML mistake. Dates stay
text, so an impossible date such as 2026-02-30 becomes a named field error from
our own checks instead of a bare ValueError from inside PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml

# The libyaml parser when PyYAML has it (the wheels do): ten times faster, which a
# province-wide catalogue of thousands of files needs.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_Base):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            if key_node.value in seen:
                problem = f"«{key_node.value}» is written twice here; keep only one"
                raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
            seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def _as_text(loader: StrictLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


def load_yaml(text: str) -> Any:
    """Raises yaml.YAMLError, with the line, for a key written twice as for any other mistake."""
    return yaml.load(text, Loader=StrictLoader)
