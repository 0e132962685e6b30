"""A stand-in for the kernel's comm that records what a widget would send, and how many bytes: for the widget
benchmarks (bench/widget_candidates.py, bench/widget_latency.py) and the widget tests.

    >>> comm = RecordingComm()
    >>> comm.send({"method": "update", "state": {"value": 1}})
    >>> comm.messages, comm.bytes
    (1, 39)
"""
import json


class RecordingComm:
    """Stands in for the kernel's comm: serialises every message like the kernel would, and counts bytes."""

    comm_id = "benchmark"
    kernel = object()      # ipywidgets only sends when a kernel is attached

    def __init__(self):
        self.messages = 0
        self.bytes = 0

    def send(self, data=None, metadata=None, buffers=None):
        text = json.dumps(data, allow_nan=False, separators=(",", ":"))
        self.messages += 1
        self.bytes += len(text) + sum(len(memoryview(b).cast("B")) for b in (buffers or []))

    def on_msg(self, callback):
        pass

    def on_close(self, callback):
        pass

    def close(self, *args, **kwargs):
        pass
