"""The shared LRU (app/lru.py): what it keeps and drops is what a plain ordered model keeps."""

from collections import OrderedDict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.lru import Lru


@given(size=st.integers(1, 5), keys=st.lists(st.integers(0, 8), max_size=60))
def test_the_value_used_longest_ago_is_dropped_first(size, keys):
    cache, model, computed = Lru(size), OrderedDict(), []
    for key in keys:
        expected_fresh = key not in model
        value = cache.get(key, lambda key=key: computed.append(key) or key * 10)
        assert value == key * 10
        if not expected_fresh:
            model.move_to_end(key)
        model[key] = value
        while len(model) > size:
            model.popitem(last=False)
        assert cache.held() == list(model) and len(cache) == len(model)
    assert len(computed) == sum(1 for n, key in enumerate(keys) if key not in _kept_before(keys[:n], size))


def _kept_before(keys, size):
    model = OrderedDict()
    for key in keys:
        model.pop(key, None)
        model[key] = True
        while len(model) > size:
            model.popitem(last=False)
    return model


def test_a_failed_compute_keeps_nothing_and_drop_forgets():
    cache = Lru(4)
    with pytest.raises(ValueError):
        cache.get("a", lambda: (_ for _ in ()).throw(ValueError("no")))
    assert cache.held() == []
    for key in ("a1", "b1", "a2"):
        cache.get(key, lambda: 0)
    cache.drop(lambda key: key.startswith("a"))
    assert cache.held() == ["b1"]
