"""Where a setting's default comes from: the metadata a policy field carries, and its reader.

Every threshold of the pure rules is a dataclass field whose metadata names the source of
its default (a guideline, a label, an issue, or an engineering choice), so the settings
pages and the API can say where each value comes from.
"""

from dataclasses import fields
from typing import Any

__all__ = ["setting_sources", "source"]


def source(text: str) -> dict[str, str]:
    """Field metadata naming where a setting's default comes from."""
    return {"source": text}


def setting_sources(policy: Any) -> dict[str, str]:
    """``{setting name: source of its default}`` for a policy dataclass (or its class)."""
    return {f.name: str(f.metadata["source"]) for f in fields(policy)}
