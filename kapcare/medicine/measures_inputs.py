"""What the medicine rules need from measures: baseline DES-II and open safety flags.

``kapcare.measures.flags`` (``open_safety_flags(client_id)``, ``latest_des_total(client_id)``)
is written by the measures app. Until that module exists, both inputs are **unknown**
(None), never guessed: an unknown input makes ``cleared`` impossible (screening) and
is shown as unknown on the screen. The module is looked up at call time so that the
medicine app starts working with it as soon as it lands, without an edit here.
"""

import importlib
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType


@dataclass(frozen=True)
class MeasuresInputs:
    des_ii_total: Decimal | None  # None: no baseline DES-II known
    open_safety_flag: bool | None  # None: not known (no flag source)


def _flags_module() -> ModuleType | None:
    try:
        return importlib.import_module("kapcare.measures.flags")
    except ModuleNotFoundError as error:
        if error.name not in ("kapcare.measures.flags",):
            raise
        return None


def measures_inputs(client_id: int) -> MeasuresInputs:
    module = _flags_module()
    if module is None:
        return MeasuresInputs(des_ii_total=None, open_safety_flag=None)
    des = getattr(module, "latest_des_total", None)
    flags = getattr(module, "open_safety_flags", None)
    total = des(client_id) if callable(des) else None
    open_flags = flags(client_id) if callable(flags) else None
    return MeasuresInputs(
        des_ii_total=Decimal(str(total)) if total is not None else None,
        open_safety_flag=bool(open_flags) if open_flags is not None else None,
    )
