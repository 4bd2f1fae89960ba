"""A table of things the application declares at import, each under its own name (call types by
code, scored submission kinds by name): registered once, looked up by name."""
from __future__ import annotations

from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, name_of: Callable[[T], str]) -> None:
        self._name_of = name_of
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        """Adds `item` under its name (a later one of the same name replaces it); returns it, so it
        serves as a decorator too."""
        self._items[self._name_of(item)] = item
        return item

    def get(self, name: str) -> T:
        """The item named `name`; KeyError for an unknown name."""
        return self._items[name]

    def items(self) -> dict[str, T]:
        """A copy: name -> item, in the order registered."""
        return dict(self._items)
