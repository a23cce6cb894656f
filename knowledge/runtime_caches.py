"""What answering fills in, kept out of the knowledge snapshot."""

from __future__ import annotations


class LeavesCachesOut:
    """For the objects the knowledge snapshot (knowledge.snapshot) holds: the dicts that questions
    fill in, named in `_CACHES`, are written empty. The snapshot keeps the index, not what questions
    have filled in since; and the bot writes it in a thread while it answers, so a dict growing
    meanwhile would fail the write."""

    _CACHES: tuple[str, ...] = ()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        for cache in self._CACHES:
            state[cache] = {}
        return state
