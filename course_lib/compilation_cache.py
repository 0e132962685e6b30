"""Keep compiled programs on disk between sessions (JAX's persistent compilation cache), so that a restarted
kernel does not compile the same training program again.

Compiling is most of the first `fit`'s time (about 0.5 s of 0.8 s for the digits network; 0.25 s with the
cache filled). Nothing happens on import: the cache is switched on by `enable()`, which the first `fit` (and
the Playground) calls, and which a notebook may call itself.

- The directory is ~/.cache/course_lib/jax-<JAX version>-<machine> ($XDG_CACHE_HOME is respected), one per
  JAX version and CPU, so a home directory shared by different machines never mixes their programs.
- COURSE_LIB_COMPILATION_CACHE=0 (or off, false, no, empty) switches it off; any other value is the directory.
- If JAX's own cache is configured already (jax_compilation_cache_dir, JAX_COMPILATION_CACHE_DIR) or switched
  off (jax_enable_compilation_cache), course_lib leaves JAX's settings alone.
- Only what course_lib's trainers compile is written (`every_compile()` lowers JAX's minimum compile time to 0
  while they compile, and puts it back after); a failure to read or write an entry only means compiling again.

The cached program is the one XLA compiled, so the numbers are identical with and without it. The directory
is not cleaned up automatically (a few MB for the whole course); delete it at any time.

>>> directory = enable()          # the directory in use, or None when the cache stays off
>>> enable() == directory         # calling it again changes nothing
True
"""
import contextlib
import hashlib
import os
import platform
import threading
import warnings
from pathlib import Path

CACHE_VARIABLE = "COURSE_LIB_COMPILATION_CACHE"
_CACHE_OFF = ("", "0", "off", "false", "no")
_NOT_YET = object()
_enabled = _NOT_YET       # the directory enable() chose (or None), once it has run
_compiling = {"count": 0, "before": None}     # every_compile() may run in several threads at once
_lock = threading.Lock()


def _machine_tag():
    """A short name for this kind of CPU (model and instruction-set flags): compiled code is specific to it."""
    description = [platform.machine(), platform.processor()]
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith(("model name", "flags", "Features", "CPU part")):
                    description.append(line.strip())
                elif not line.strip():
                    break                     # the first processor's entry is enough
    except OSError:
        pass
    return hashlib.sha256("\n".join(description).encode()).hexdigest()[:12]


def cache_dir(environ=None):
    """The directory course_lib keeps compiled programs in, or None when COURSE_LIB_COMPILATION_CACHE is off."""
    import jax

    environ = os.environ if environ is None else environ
    setting = environ.get(CACHE_VARIABLE)
    if setting is not None:
        return None if setting.strip().lower() in _CACHE_OFF else Path(setting).expanduser()
    base = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "course_lib" / f"jax-{jax.__version__}-{_machine_tag()}"


def enable():
    """Point JAX's persistent compilation cache at cache_dir(), once per process. Returns the directory, or None
    when it stays off (switched off, JAX's cache configured by the user, or the directory cannot be written)."""
    global _enabled
    if _enabled is not _NOT_YET:
        return _enabled
    import jax

    _enabled = None
    if jax.config.jax_compilation_cache_dir is not None or not jax.config.jax_enable_compilation_cache:
        return None
    path = cache_dir()
    if path is None:
        return None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    warnings.filterwarnings("ignore", message="Error (reading|writing) persistent compilation cache entry")
    _enabled = path
    return path


@contextlib.contextmanager
def every_compile():
    """While course_lib compiles a trainer, write every program to the cache (JAX's default threshold, 1 s of
    compile time, would skip the digits epoch's 0.5 s); other code keeps JAX's default."""
    if enable() is None:
        yield
        return
    import jax

    name = "jax_persistent_cache_min_compile_time_secs"
    with _lock:               # the first one in saves JAX's setting, the last one out puts it back
        if _compiling["count"] == 0:
            _compiling["before"] = getattr(jax.config, name)
            jax.config.update(name, 0.0)
        _compiling["count"] += 1
    try:
        yield
    finally:
        with _lock:
            _compiling["count"] -= 1
            if _compiling["count"] == 0:
                jax.config.update(name, _compiling["before"])
