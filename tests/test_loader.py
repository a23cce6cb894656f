"""Loader: every shipped file loads, and a broken file is reported by file and field."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SHARED

from knowledge.loader import DEFAULT_ROOT, KnowledgeBaseError, load_knowledge_base, load_with_warnings
from knowledge.model import CHANNELS, STATUSES, TIME_UNITS

FIXTURES = Path(__file__).parent / "fixtures"
REFERENCE = SHARED / "reference" / "procedures.md"


def test_shipped_knowledge_base_loads() -> None:
    kb, _warnings = load_with_warnings()
    files = sorted(p.stem for p in (DEFAULT_ROOT / "procedures").glob("*.yaml"))
    assert sorted(kb.procedures) == files
    assert len(kb.procedures) >= 1
    for p in kb.procedures.values():
        assert p.status in STATUSES
        assert p.processing_time.unit in TIME_UNITS
        assert set(p.channels) <= set(CHANNELS)
        assert isinstance(p.checked_on, dt.date)
        assert p.aliases or p.keywords, p.code
    refs = sorted(p.stem for p in (DEFAULT_ROOT / "referrals").glob("*.yaml"))
    assert sorted(kb.referrals) == refs


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference list not available")
def test_reference_codes_and_names_are_covered_exactly() -> None:
    kb = load_knowledge_base()
    listed = {}
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 2 and len(cells[0]) == 8 and cells[0][1] == ".":
            listed[cells[0]] = cells[1]
    if len(kb.procedures) < len(listed):
        pytest.skip("knowledge base still being written")
    for code, name in listed.items():
        assert code in kb.procedures, code
        assert kb.procedures[code].name == name, code


def test_fields_are_stable_and_complete() -> None:
    kb = load_knowledge_base()
    fields = kb.fields()
    assert fields == kb.fields()
    assert sum(len(kb.by_field(f)) for f in fields) == len(kb.procedures)


def test_small_fixture_loads_with_warnings() -> None:
    kb, warnings = load_with_warnings(FIXTURES / "kb_small")
    assert set(kb.procedures) == {"1.001193", "1.000894", "2.000815", "9.000123", "9.000124"}
    assert set(kb.referrals) == {"ho-chieu", "ly-hon"}
    old = kb.procedures["9.000123"]
    assert old.status == "abolished" and old.replaced_by == "9.000124"
    assert old.effective_date == dt.date(2025, 7, 1)
    assert kb.procedures["1.001193"].documents[0].originals == 1
    assert kb.procedures["1.001193"].processing_time.cutoff == "15:00"
    assert kb.procedures["2.000815"].fees[0].in_person == 2000
    assert "procedures/1.000894.yaml: uncertain: Thời hạn khi cần xác minh" in warnings
    assert "procedures/9.000123.yaml: source: missing: nobody can re-check these facts" in warnings
    assert kb.fields() == ["Hộ tịch", "Chứng thực", "Nuôi con nuôi"]
    assert [p.code for p in kb.by_field("Nuôi con nuôi")] == ["9.000124", "9.000123"]


def test_broken_fixture_names_file_and_field() -> None:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(FIXTURES / "kb_broken")
    errors = info.value.errors
    expected = [
        "procedures/1.000001.yaml: status: must be one of in_force, amended, abolished, got 'active'",
        "procedures/1.000001.yaml: documents[2].originals: must be a whole number ≥ 0",
        "procedures/1.000001.yaml: documents[2].copies: must be a whole number ≥ 0",
        "procedures/1.000001.yaml: submission.channels[1]: must be one of in_person, online, post, got 'fax'",
        "procedures/1.000001.yaml: processing_time.unit: must be one of working_days, days, same_day, "
        "got 'weeks'",
        "procedures/1.000001.yaml: processing_time.cutoff: must be a time like \"15:00\", got '3pm'",
        "procedures/1.000001.yaml: legal_basis: must be a list of texts (put each item on its own '- ' line)",
        "procedures/1.000001.yaml: checked_on: is required (a date written YYYY-MM-DD)",
        "procedures/1.000002.yaml: code: must be quoted text like \"1.001193\", got 1.000002",
        "procedures/1.000002.yaml: name: must not be empty",
        "procedures/1.000002.yaml: effective_date: is required (a date written YYYY-MM-DD)",
        "procedures/1.000002.yaml: status_note: is required",
        "procedures/1.000002.yaml: fees.items[0].in_person: must be a whole amount in VND ≥ 0, "
        "or null when the province sets it",
        "procedures/1.000002.yaml: source: must be a web address starting with http:// or https://, "
        "got 'dichvucong.gov.vn'",
        "procedures/1.000002.yaml: checked_on: must be a date written YYYY-MM-DD, got '2026-02-30'",
        "procedures/1.000004.yaml: code: '1.000005' does not match the file name '1.000004.yaml'",
        "procedures/1.000006.yaml: replaced_by: 1.999999 is not in the knowledge base "
        "(add its file or fix the code)",
        "referrals/ho-chieu.yaml: id: 'passport' does not match the file name 'ho-chieu.yaml'",
        "referrals/ho-chieu.yaml: agency: is required",
    ]
    for e in expected:
        assert e in errors
    assert any(e.startswith("procedures/1.000003.yaml: invalid YAML: line ") for e in errors)
    assert len(errors) == len(expected) + 1
    assert "procedures/1.000001.yaml" in str(info.value)


def _write(tmp_path: Path, code: str, body: str) -> Path:
    (tmp_path / "procedures").mkdir(exist_ok=True)
    (tmp_path / "referrals").mkdir(exist_ok=True)
    (tmp_path / "procedures" / f"{code}.yaml").write_text(body, encoding="utf-8")
    return tmp_path


def test_duplicate_code_and_unknown_keys(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "1.001193.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "1.001193", good + "colour: xanh\n")
    _kb, warnings = load_with_warnings(tmp_path)
    assert "procedures/1.001193.yaml: colour: unknown key (ignored); is it misspelt?" in warnings
    (tmp_path / "procedures" / "1.001194.yaml").write_text(good, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    assert "procedures/1.001194.yaml: code: '1.001193' does not match the file name '1.001194.yaml'" in (
        info.value.errors
    )


def test_a_field_written_twice_is_an_error_not_a_silent_replacement(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "1.001193.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "1.001193", good + "name: Tên viết lần thứ hai\n")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    line = len(good.splitlines()) + 1
    assert info.value.errors == [
        f"procedures/1.001193.yaml: invalid YAML: line {line}: «name» is written twice here; keep only one"
    ]


def test_missing_fee_is_a_warning(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "2.000815.yaml").read_text(encoding="utf-8")
    head, _, tail = good.partition("fees:")
    _, _, rest = tail.partition("result:")
    _write(tmp_path, "2.000815", head + "result:" + rest)
    kb, warnings = load_with_warnings(tmp_path)
    assert kb.procedures["2.000815"].fees == ()
    assert "procedures/2.000815.yaml: fees: missing: the citizen will not be told the fee" in warnings


def test_missing_folder_and_empty_base(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    assert any("procedures/: folder is missing" in e for e in info.value.errors)


def test_future_check_date_is_a_warning(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "2.000815.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "2.000815", good.replace("checked_on: 2026-11-27", "checked_on: 2996-11-27"))
    _kb, warnings = load_with_warnings(tmp_path)
    assert "procedures/2.000815.yaml: checked_on: 2996-11-27 is in the future; is the year right?" in warnings


def test_requires_one_of_is_a_list_of_texts(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "1.001193.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "1.001193", good + 'requires_one_of: "mất"\n')
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    expected = "requires_one_of: must be a list of texts (put each item on its own '- ' line)"
    assert f"procedures/1.001193.yaml: {expected}" in info.value.errors
    _write(tmp_path, "1.001193", good + 'requires_one_of:\n  - "mất"\n  - "lại"\n')
    assert load_knowledge_base(tmp_path).procedures["1.001193"].requires_one_of == (("mất", "lại"),)
    # Several groups: one word of each.
    _write(tmp_path, "1.001193", good + 'requires_one_of:\n  - ["mất", "lại"]\n  - ["khai sinh"]\n')
    groups = load_knowledge_base(tmp_path).procedures["1.001193"].requires_one_of
    assert groups == (("mất", "lại"), ("khai sinh",))
    _write(tmp_path, "1.001193", good + 'requires_one_of:\n  - ["mất", 3]\n  - []\n')
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    assert "procedures/1.001193.yaml: requires_one_of[0][1]: must be text, got a number" in info.value.errors
    assert "procedures/1.001193.yaml: requires_one_of[1]: must not be empty" in info.value.errors


def test_excluded_by_is_a_list_of_texts(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "1.001193.yaml").read_text(encoding="utf-8")
    _write(tmp_path, "1.001193", good + 'excluded_by:\n  - "đã có giấy khai sinh"\n')
    assert load_knowledge_base(tmp_path).procedures["1.001193"].excluded_by == ("đã có giấy khai sinh",)
    _write(tmp_path, "1.001193", good + "excluded_by: 3\n")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    assert "procedures/1.001193.yaml: excluded_by: must be a list of texts, got a number" in info.value.errors


def test_kb_check_prints_the_summary_and_flags_an_exclusion_of_the_procedure_itself(tmp_path: Path) -> None:
    good = (FIXTURES / "kb_small" / "procedures" / "1.001193.yaml").read_text(encoding="utf-8")
    # "đã" is a small word: read as the matcher reads it, the entry is "khai sinh", the procedure itself.
    _write(tmp_path, "1.001193", good + 'excluded_by:\n  - "đã khai sinh"\n  - "ghi chú"\n')
    shutil.copytree(FIXTURES / "kb_small" / "referrals", tmp_path / "referrals", dirs_exist_ok=True)
    result = _kb_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Knowledge base: 1 procedures" in result.stdout
    assert "procedures/1.001193.yaml: excluded_by: 'đã khai sinh' reads as 'khai sinh'" in result.stdout
    # "chú" is a small word too (an address): what is left would exclude any question with "ghi".
    assert "excluded_by: 'ghi chú' reads as the one word 'ghi'" in result.stdout


def test_kb_check_flags_a_referral_excluding_itself(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "kb_small", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "referrals" / "ho-chieu.yaml"
    # "giúp" drops when read: what is left, "hộ chiếu", is the referral itself.
    path.write_text(path.read_text(encoding="utf-8") + 'excluded_by: ["hộ chiếu giúp"]\n', encoding="utf-8")
    result = _kb_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "referrals/ho-chieu.yaml: excluded_by: 'hộ chiếu giúp' reads as 'ho chieu', which its own" in (
        result.stdout
    )


def test_kb_check_fails_on_errors(tmp_path: Path) -> None:
    _write(tmp_path, "1.000001", "code: '1.000001'\n")
    result = _kb_check(tmp_path)
    assert result.returncode == 1
    assert "error: procedures/1.000001.yaml: name: is required" in result.stdout
    assert "the bot will not start with this knowledge base" in result.stdout


def _kb_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check", "--path", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_a_referral_may_be_a_commune_matter_and_tell_itself_from_look_alikes(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "kb_small", tmp_path, dirs_exist_ok=True)
    (tmp_path / "referrals" / "ghi-chu.yaml").write_text(
        'id: ghi-chu\nat_commune: true\ntopic: "Ghi vào sổ hộ tịch việc kết hôn ở nước ngoài"\n'
        'agency: "Ủy ban nhân dân cấp xã"\nwhere: "Trung tâm Phục vụ hành chính công cấp xã"\n'
        'requires_one_of: ["nước ngoài"]\nexcluded_by: ["chưa đăng ký"]\n'
        'keywords: ["ghi chú kết hôn"]\nsource: "https://moj.gov.vn"\nchecked_on: 2026-11-27\n',
        encoding="utf-8",
    )
    r = load_knowledge_base(tmp_path).referrals["ghi-chu"]
    assert r.at_commune and r.requires_one_of == (("nước ngoài",),) and r.excluded_by == ("chưa đăng ký",)
    assert not load_knowledge_base(tmp_path).referrals["ho-chieu"].at_commune  # false when left out
    path = tmp_path / "referrals" / "ghi-chu.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("at_commune: true", "at_commune: có"), "utf-8")
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(tmp_path)
    assert info.value.errors == ["referrals/ghi-chu.yaml: at_commune: must be true or false, got 'có'"]
