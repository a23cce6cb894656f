"""Greetings and thanks get a friendly answer with the menu, not "I did not understand"."""

from __future__ import annotations

import pytest

from handlers.start import is_greeting, is_thanks


@pytest.mark.parametrize("text", ["Xin chào ạ", "alo", "Chào bạn!", "hello ad", "chao ad oi"])
def test_greetings(text):
    assert is_greeting(text) and not is_thanks(text)


@pytest.mark.parametrize("text", ["Cảm ơn nhé!", "cam on ad nhieu", "thanks", "Xin cảm ơn ạ"])
def test_thanks(text):
    assert is_thanks(text) and not is_greeting(text)


@pytest.mark.parametrize("text", ["chào, tôi muốn làm khai sinh", "ok", "cảm ơn, cho hỏi làm sổ đỏ", ""])
def test_questions_are_not_small_talk(text):
    assert not is_greeting(text) and not is_thanks(text)
