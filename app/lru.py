"""A small cache of computed values, shared by a process's threads: at most ``size`` kept,
the one used longest ago dropped first."""

from collections import OrderedDict
from threading import Lock


class Lru:
    def __init__(self, size):
        self.size = size
        self._entries = OrderedDict()
        self._lock = Lock()

    def get(self, key, compute):
        """The value kept under ``key``, else ``compute()``, kept. ``compute`` runs outside the
        lock (two threads asking at once may both compute; the values are the same), and what
        it raises is raised, with nothing kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def drop(self, which):
        """Forget every entry whose key ``which(key)`` holds for."""
        with self._lock:
            for key in [key for key in self._entries if which(key)]:
                del self._entries[key]

    def held(self):
        """The keys kept, the one used longest ago first."""
        with self._lock:
            return list(self._entries)

    def __len__(self):
        return len(self._entries)
