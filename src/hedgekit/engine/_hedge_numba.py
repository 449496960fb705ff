"""The general (policy) kernel compiled with numba (cached on disk after the first process).

No ``fastmath``: the compiled kernel evaluates the same IEEE operations in the same order as
the interpreted kernel and the readable oracle, so all three make the same rounding decisions.
"""

from __future__ import annotations

from numba import njit

from hedgekit.engine._hedge_fast import hedge_chunk_fast
from hedgekit.engine._hedge_kernel import hedge_chunk

__all__ = ["hedge_chunk_compiled", "hedge_chunk_fast_compiled"]

#: The ledger kernel (``full``: every field of every day).
hedge_chunk_compiled = njit(cache=True, error_model="numpy", nogil=True)(hedge_chunk)
#: The batch kernel (no ledger; runs side by side, online measures).
hedge_chunk_fast_compiled = njit(cache=True, error_model="numpy", nogil=True)(hedge_chunk_fast)
