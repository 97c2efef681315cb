"""Names beside ids: batched lookups of the names answers show next to a referenced id.

A model declares `created_by_name = names.ref("user", "created_by")`; reading it on one
object resolves the ids of that kind held by every object in the session's identity map in
one query (so a page of 50 rows costs one query per kind, not 50). Each domain registers
the kinds it owns (`register("user", loader)`); core imports no domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

# a loader answers {key: (value, ...)} for the keys it finds; missing keys have no names
Loader = Callable[[Session, set[str]], Mapping[str, tuple[Any, ...]]]

_loaders: dict[str, Loader] = {}
_CACHE_KEY = "yuantus.names"
_class_refs: dict[type, dict[str, tuple[NameRef, ...]]] = {}


def register(kind: str, loader: Loader) -> None:
    """Register the loader of one kind of reference (idempotent per kind)."""
    _loaders[kind] = loader


def _cache(session: Session) -> dict[str, dict[str, tuple[Any, ...] | None]]:
    cache: dict[str, dict[str, tuple[Any, ...] | None]] = session.info.setdefault(_CACHE_KEY, {})
    return cache


def lookup(session: Session, kind: str, keys: Iterable[str | None]) -> dict[str, tuple[Any, ...]]:
    """The names of many keys of one kind: one query for those not resolved yet."""
    wanted = {k for k in keys if k is not None}
    known = _cache(session).get(kind, {})
    missing = wanted - known.keys()
    if missing:
        found = _loaders[kind](session, missing)  # may autoflush, which clears the cache
        known = _cache(session).setdefault(kind, {})
        known.update({k: found.get(k) for k in missing})
    return {k: v for k in wanted if (v := known.get(k)) is not None}


def _refs_of(cls: type) -> dict[str, tuple[NameRef, ...]]:
    """One `ref` per kind and id attribute that a mapped class declares."""
    refs = _class_refs.get(cls)
    if refs is None:
        found: dict[str, dict[str, NameRef]] = {}
        for klass in reversed(cls.__mro__):
            for value in vars(klass).values():
                if isinstance(value, NameRef):
                    found.setdefault(value.kind, {})[value.id_attr] = value
        refs = {kind: tuple(by_attr.values()) for kind, by_attr in found.items()}
        _class_refs[cls] = refs
    return refs


def _pending_keys(session: Session, kind: str) -> set[str]:
    """Every loaded key of one kind held by the objects of the session, not resolved yet."""
    known = _cache(session).get(kind, {})
    keys: set[str] = set()
    for obj in list(session.identity_map.values()):
        for name_ref in _refs_of(type(obj)).get(kind, ()):
            # only loaded values: reading an expired attribute would cost a query per object
            value = obj.__dict__.get(name_ref.id_attr)
            if value is not None and value not in known and name_ref.applies(obj):
                keys.add(value)
    return keys


class NameRef:
    """A read-only attribute: one field of the names of the object an id attribute refers to."""

    def __init__(
        self, kind: str, id_attr: str, index: int = 0, when: Callable[[Any], bool] | None = None
    ) -> None:
        self.kind, self.id_attr, self.index, self.when = kind, id_attr, index, when

    def applies(self, obj: object) -> bool:
        """False when the id attribute holds another kind's key on this object."""
        return self.when is None or self.when(obj)

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        key = getattr(obj, self.id_attr)
        if key is None or not self.applies(obj):
            return None
        session = object_session(obj)
        if session is None:
            return None
        known = _cache(session).get(self.kind, {})
        if key in known:
            names = known[key]
        else:
            keys = _pending_keys(session, self.kind) | {key}
            names = lookup(session, self.kind, keys).get(key)
        return names[self.index] if names is not None else None


def ref(kind: str, id_attr: str, index: int = 0, when: Callable[[Any], bool] | None = None) -> Any:
    """Field `index` of the names of the `kind` object that `id_attr` holds the key of.

    `when(obj)` limits the reference to the objects whose id attribute is of that kind.
    """
    return NameRef(kind, id_attr, index, when)


def chunks(keys: Iterable[str], size: int = 500) -> Iterable[list[str]]:
    """Sorted keys in slices small enough for one IN list."""
    ordered = sorted(keys)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def item_ref(
    id_attr: str, kind: str = "item", when: Callable[[Any], bool] | None = None
) -> tuple[Any, Any, Any]:
    """(number, revision, name) of the item revision (or item config) `id_attr` refers to."""
    return tuple(ref(kind, id_attr, i, when) for i in range(3))


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_args: Any) -> None:
    # a write may rename what the cache names; the next read resolves again
    session.info.pop(_CACHE_KEY, None)
