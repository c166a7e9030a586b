"""Hand freed heap memory back to the operating system between chunks of a long run.

glibc's allocator keeps memory that Python, torch and ONNX Runtime free inside its heaps, and
the pages that stay resident after each chunk's short-lived batch tensors add up to a peak that
creeps up over a long run. :func:`release_free_heap` calls glibc's ``malloc_trim(0)``, which
returns those free pages (at the top of a heap and whole free pages inside it) to the system;
the engines call it once per chunk. Elsewhere (macOS, musl, Windows) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_heap() -> bool:
    """Return the C heap's free pages to the system; ``False`` where glibc's ``malloc_trim`` is absent."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
