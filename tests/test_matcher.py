"""Matcher behaviour on a small fixture KB and on the shipped one: decisions, robustness, speed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.commands.ask import human_text, match_to_json
from bot.texts.procedures import procedure_card
from knowledge.loader import load_knowledge_base
from knowledge.matcher import MAX_QUESTION_CHARS, Matcher
from knowledge.normalize import DEFAULT_SYNONYMS, Normalizer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def normalizer() -> Normalizer:
    return Normalizer()


@pytest.fixture(scope="module")
def small(normalizer: Normalizer) -> Matcher:
    return Matcher(load_knowledge_base(FIXTURES / "kb_small"), normalizer)


@pytest.fixture(scope="module")
def real(normalizer: Normalizer) -> Matcher:
    return Matcher(load_knowledge_base(), normalizer)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("lam giay khai sinh cho con can gi", "1.001193"),
        ("Làm giấy khai sinh cho con cần những giấy tờ gì ạ?", "1.001193"),
        ("gks cho bé cần j ak", "1.001193"),
        ("ddang kys khai sinhf", "1.001193"),
        ("dang ky ket hon", "1.000894"),
        ("đkkh cần gì", "1.000894"),
        ("photo công chứng bằng tốt nghiệp", "2.000815"),
        ("sao y ban chinh", "2.000815"),
    ],
)
def test_direct_answers(small: Matcher, question: str, code: str) -> None:
    m = small.match(question)
    assert m.kind == "procedure", m
    assert m.procedure is not None and m.procedure.code == code


def test_typo_one_edit_away(small: Matcher) -> None:
    m = small.match("dang ky ket hoon")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.000894"
    m = small.match("khaisinh cho con")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.001193"


@pytest.mark.parametrize(
    "question", ["dnag ky ket hon", "dang ky kte hon", "dang ky ket ohn", "dang kyskeets hoon"]
)
def test_swapped_letters_and_telex_in_words_typed_together_are_read_back(
    small: Matcher, question: str
) -> None:
    m = small.match(question)
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.000894", m


@pytest.mark.parametrize("question", ["lamkhai sinh cho con", "kkhaisinh cho con", "dang kykhai sinh"])
def test_words_typed_together_are_split_where_a_term_confirms_it(small: Matcher, question: str) -> None:
    m = small.match(question)
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.001193", m


def test_words_typed_together_stay_unknown_without_a_term_to_confirm_them(small: Matcher) -> None:
    assert small.match("lamkhai").kind == "none"


def test_abolished_procedure_is_matched_and_shown_as_abolished(small: Matcher) -> None:
    m = small.match("đăng ký nuôi con nuôi thực tế")
    assert m.kind == "procedure" and m.procedure is not None
    assert m.procedure.code == "9.000123"
    text = human_text(small.kb, m)
    assert "ĐÃ BỊ BÃI BỎ từ ngày 01/07/2025" in text
    assert "Thay thế bằng thủ tục «Đăng ký nuôi con nuôi trong nước» (mã 9.000124)" in text
    card = procedure_card(m.procedure)
    assert "mã 9.000124" in card


def test_referral_names_the_other_agency(small: Matcher) -> None:
    m = small.match("lam ho chieu o dau")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "ho-chieu"
    assert "Công an tỉnh" in human_text(small.kb, m)
    m = small.match("thủ tục ly hôn")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "ly-hon"


def test_procedure_code_in_question(small: Matcher) -> None:
    m = small.match("cho hỏi thủ tục 2.000815.000.00.00.H55")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "2.000815"


@pytest.mark.parametrize(
    "question",
    ["", "   ", "😀😀😀", "?!?!", "asdkjh qwpoeiu zxmcnb", "Chào bạn, hôm nay thế nào?", "cam on nhe", "ok"],
)
def test_nothing_to_match(small: Matcher, real: Matcher, question: str) -> None:
    assert small.match(question).kind == "none"
    assert real.match(question).kind == "none"


def test_huge_input_is_safe_and_read_only_up_to_the_cap(real: Matcher) -> None:
    """A 10,000-character paste costs no more than a long question: only the first
    MAX_QUESTION_CHARS are read (bench/bench_matcher.py times such inputs)."""
    garbage = ("xyzq " * 2000)[:10_000]
    repeated = ("đăng ký khai sinh cho con " * 400)[:10_000]
    for text in (garbage, repeated, "a" * 10_000, "😀" * 10_000):
        m = real.match(text)
        assert m.kind in ("none", "procedure", "clarify")
        assert m == real.match(text[:MAX_QUESTION_CHARS] + "đăng ký kết hôn giấy phép xây dựng")
    assert real.match(garbage).kind == "none"


def test_clarify_offers_at_most_three_best_first(real: Matcher, normalizer: Normalizer) -> None:
    # The matcher's own order, by share; the learned second look may put first the procedure that
    # questions worded alike meant (test_learned).
    matcher = Matcher(replace(real.kb, learned=None), normalizer)
    seen_clarify = False
    for q in ("khai sinh", "chứng thực", "trợ cấp", "đăng ký lại", "giám hộ"):
        m = matcher.match(q)
        if m.kind == "clarify":
            seen_clarify = True
            assert 1 <= len(m.candidates) <= 3
            scores = [c.score for c in m.candidates]
            assert scores == sorted(scores, reverse=True)
            assert all(c.code in real.kb.procedures for c in m.candidates)
    assert seen_clarify


def test_json_shape(small: Matcher) -> None:
    q = "lam giay khai sinh cho con"
    out = match_to_json(q, small.match(q))
    assert set(out) == {"question", "kind", "code", "name", "score", "candidates"}
    assert out["kind"] == "procedure" and out["code"] == "1.001193" and out["name"] == "Đăng ký khai sinh"
    assert all(set(c) == {"code", "name", "score"} for c in out["candidates"])
    none = match_to_json("😀", small.match("😀"))
    assert none["kind"] == "none" and none["code"] is None and none["candidates"] == []


def test_matcher_is_deterministic(real: Matcher) -> None:
    q = "xin giấy xác nhận độc thân"
    assert real.match(q) == real.match(q)


@pytest.mark.parametrize(
    ("question", "code"),
    [
        # The official names differ by one word; the question's word decides.
        ("đăng ký lại kết hôn", "1.004746"),
        ("dang ky ket hon", "1.000894"),
        ("cấp lại giấy xác nhận khuyết tật bị mất", "1.001653"),
        # A nationality means "có yếu tố nước ngoài".
        ("kết hôn với người Hàn Quốc làm ở đâu", "2.000806"),
        ("lấy chồng Đài Loan đăng ký kết hôn", "2.000806"),
        # A real syllable one letter off is fixed when the neighbour confirms it.
        ("dang ky khai xinh cho con", "1.001193"),
        # The Red River delta's l for n and s for x, typed with marks, fixed where a neighbour confirms.
        ("muốn sây nhà mới ở quê thì sin dấy phép sây dựng ở đâu", "1.013225"),
        ("cấp dấy chứng nhận quyền sử dụng đất nần đầu ở sã", "1.013978"),
        ("thủ tục khai sinh nại cho người đã đăng ký rồi nhưng sổ bị thất nạc", "1.004884"),
        # Telex left in.
        ("ddang kys keets hoon", "1.000894"),
        # A contract certified before: a copy of it, not a new certification.
        ("xin ban sao hop dong da chung thuc o xa", "2.000942"),
        # "được hông" is the Southern "được không", not a damaged paper to register again.
        ("giay ket hon lam trong ngay duoc hong", "1.000894"),
        # The other office is only what the commune is weighed against.
        ("chung thuc di chuc o xa duoc khong hay phai ra van phong cong chung", "2.001019"),
        # "nhắn" (to message) typed with its marks is not "nhận cha", which rules out plain registration.
        ("làm giấy khai sinh cho con có phải nhắn cha nó về không", "1.001193"),
        ("làm giấy khai sinh cho con kèm nhận cha", "1.000689"),
        # "có mặt" (present in person) typed with its marks is no lost ("mất") paper to register again.
        ("đk kết hôn có cần 2 đứa cùng có mặt ko", "1.000894"),
        # Typed bare, "de duoc" is "để được": the health insurance card is what the paper is for.
        ("dang ky ho can ngheo de duoc the bhyt mien phi", "1.011607"),
        # Foreign spouses write in English.
        ("our baby was born last month. How do we register the birth?", "1.001193"),
        ("I'm British, my fiancée is Vietnamese. We want to register our marriage in Vietnam.", "2.000806"),
        ("How do I register marriage with my Vietnamese girlfriend at the commune?", "2.000806"),
        ("We'd like to become foster carers for a child not related to us. How do we register?", "1.004941"),
        ("My name is misspelled on my birth certificate. How do I get it corrected?", "1.004859"),
        ("My father died at home yesterday. What do we need to register his death?", "1.000656"),
        # A clause in English inside a Vietnamese question, as Việt kiều switch.
        ("how to register a newborn? bé nhà em mới được 10 ngày", "1.001193"),
        ("I need to change my daughter's name, cháu mới 8 tuổi", "1.004859"),
        # A single-status paper to be legalised was issued abroad, to the foreign partner.
        ("sắp cưới anh người Pháp, giấy độc thân của anh ấy có phải hợp pháp hóa lãnh sự ko", "2.000806"),
        # The hospital's birth notice is lost: the commune still registers the birth (witnesses instead).
        ("mất giấy chứng sinh rồi thì làm giấy khai sinh cho con thế nào", "1.001193"),
        ("xin cấp sđ lần đầu cho mảnh đất ông bà để lại", "1.013978"),
        # A certified copy of another office's paper is the commune's.
        ("chứng thực bản sao thẻ bảo hiểm y tế của cháu để nộp trường", "2.000815"),
        ("sao y hộ chiếu ở xã được không", "2.000815"),
        ("công chứng sổ bảo hiểm xã hội ở xã được không", "2.000815"),
        # The card of someone who died is handed in when the death is registered.
        ("khai tử cho bố xong có phải nộp lại căn cước của bố không", "1.000656"),
        # English words for the matter. "book" alone reads "sổ": the colour must be read with it.
        ("how can we get a red book for grandpa's land", "1.013978"),
        ("termination of guardianship for my nephew, he is 18 now", "1.004845"),
        ("my father want make will for the house, ward can certify?", "2.001019"),
        ("my wife's real father want recognise her", "1.001022"),
        ("my partner wants to register that he is the father of my 5-year-old son", "1.001022"),
        # A US citizen is the foreign partner; "wasn't married" asks for the single-status paper.
        ("my brother is a US citizen and wants to marry his girlfriend in Đồng Tháp", "2.000806"),
        ("the embassy wants proof I wasn't married while I lived in Vietnam", "1.004873"),
        ("how can grandpa apply for the pension for old people without social insurance", "1.014027"),
        ("we need our signature verified on a letter for the bank", "2.000884"),
        ("i want 5 true copies of my diploma", "2.000815"),
        ("grandma is 82 and never had a pension. Any government money for old people like her?", "1.014027"),
        ("my mother-in-law's garden land was never registered, where do we get its certificate", "1.013978"),
    ],
)
def test_real_knowledge_base_answers(real: Matcher, question: str, code: str) -> None:
    m = real.match(question)
    assert m.kind == "procedure" and m.procedure is not None, m
    assert m.procedure.code == code


def test_different_diacritics_are_different_words(real: Matcher) -> None:
    # "cười" (laugh) folds like "cưới" (wed); typed with its marks it must not find marriage.
    assert real.match("kể chuyện cười đi").kind == "none"
    assert real.match("Bạn là người thật hay máy vậy?").kind == "none"


def test_the_learned_models_read_other_marks_as_another_word(real: Matcher) -> None:
    # They learn from words without marks; "nhắn" (to message) must not lend them "nhận cha".
    assert "nhắn" in real.words_of("làm khai sinh có phải nhắn cha nó về không")
    assert "nhan" in real.words_of("đăng ký nhận cha cho con")
    assert "nhan" in real.words_of("dang ky nhan cha cho con")


def test_english_words_nobody_listed_are_not_repaired_into_vietnamese(real: Matcher) -> None:
    # Telex-style repair would read "between" as "bê tuen" and "member" as "mẻm bẻ".
    words = real.words_of("Marriage between a Vietnamese man and a Filipino woman, fee please")
    assert "between" in words and "tuen" not in words
    assert "member" in real.words_of("our church meets in a member's home, do we register?")
    # Many such words make no keyboard mashing of an English question.
    m = real.match(
        "Our beloved grandpa died last night after long illness, cremation planned Friday, relatives"
        " arriving soon, what death paperwork first?"
    )
    assert m.procedure is not None and m.procedure.code == "1.000656", m


def test_an_english_question_losing_a_paper_is_no_death(real: Matcher) -> None:
    # "lost" was "mất", and "vợ mất" is a wife who died; the bare "can" of "can cuoc" was a stopword.
    m = real.match("my husband lost his can cuoc last week, where to get a new one")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "can-cuoc", m


def test_a_partners_visa_told_as_background_leaves_the_marriage_asked(real: Matcher) -> None:
    m = real.match(
        "Em là người Việt, anh ấy người Úc đang sống ở VN theo visa lao động. Tụi em muốn đăng ký kết hôn"
        " tại phường nơi em thường trú, thành phần hồ sơ gồm gì?"
    )
    assert m.procedure is not None and m.procedure.code == "2.000806", m
    # A visa asked for is still no marriage to register.
    m = real.match("Con gái bác lấy chồng Hàn đã có giấy kết hôn rồi, giờ nó xin visa sang bên đó ở đâu?")
    assert m.kind != "procedure", m


def test_a_house_built_anew_in_english_is_no_paper_issued_again(real: Matcher) -> None:
    # "new one" is "cấp lại" (get a new one), which the building permit excludes.
    words = real.words_of("we pull down the old house and build a new one, where to apply")
    assert "xay" in words and "moi" in words and "cap" not in words, words
    assert "cap" in real.words_of("lost my birth certificate, how to get a new one")
    words = real.words_of("my parents are tearing down their old house and building a new one")
    assert {"pha", "do", "xay", "moi"} <= set(words) and "cap" not in words, words


def test_english_abbreviations_are_read_whole_in_an_english_question(real: Matcher) -> None:
    """English questions read their words one by one from their own table first: an abbreviation of
    several English words must not be split by it ("social pension" read "xã hội lương hưu")."""
    synonyms = yaml.safe_load(DEFAULT_SYNONYMS.read_text(encoding="utf-8"))
    english = synonyms["english"]["words"]
    phrases = [
        (k, v)
        for k, v in synonyms["abbreviations"].items()
        if " " in k and any(word in english for word in k.split())
    ]
    assert len(phrases) > 5
    for phrase, meant in phrases:
        read = real.words_of(f"how do I get the {phrase} for my family please")
        expected = [w for w in real.words_of(meant) if w != "|"]
        assert set(expected) <= set(read), (phrase, read)


@pytest.mark.parametrize(
    ("question", "referral"),
    [
        ("làm hộ chiếu ở đâu", "ho-chieu"),
        ("How do I apply for a passport?", "ho-chieu"),
        ("My wife needs a judicial record certificate to work abroad, which office?", "ly-lich-tu-phap"),
        ("cap lai can cuoc bi mat", "can-cuoc"),
        ("thủ tục ly hôn", "ly-hon"),
        ("chồng tôi người Hàn muốn nhập quốc tịch Việt Nam thì nộp hồ sơ ở đâu", "quoc-tich"),
        ("công ty xin giấy phép xây dựng nhà xưởng trong khu công nghiệp", "giay-phep-xay-dung-cong-trinh"),
        ("lệ phí trước bạ khi sang tên nhà đất nộp ở đâu", "thue-nha-dat"),
        ("thuế đất ở hằng năm đóng chỗ nào", "thue-nha-dat"),
        ("quán nước nhỏ của tôi mỗi tháng đóng thuế khoán bao nhiêu", "thue-ho-kinh-doanh"),
        ("giấy chứng sinh bệnh viện ghi sai ngày sinh của bé thì sửa ở đâu", "giay-chung-sinh"),
        ("nhà cận nghèo muốn vay vốn ưu đãi ngân hàng chính sách để nuôi bò", "vay-von-chinh-sach"),
        # Heirs who sue each other have no agreement for the commune to certify.
        ("mấy anh em tranh chấp thừa kế mảnh đất của ba, em muốn kiện đòi chia", "khoi-kien-toa-an"),
        ("đất đã có sổ đỏ, hòa giải ở xã không thành, giờ khởi kiện ra tòa cần gì", "khoi-kien-toa-an"),
        ("mất bằng tốt nghiệp cấp 3 xin cấp lại ở đâu", "van-bang-chung-chi"),
        ("con trai tôi đủ 17 tuổi, đăng ký nghĩa vụ quân sự lần đầu làm ở đâu", "nghia-vu-quan-su"),
        ("giấy chứng nhận đủ điều kiện an toàn thực phẩm", "giay-phep-kinh-doanh-co-dieu-kien"),
        ("đăng ký nhãn hiệu cho sản phẩm mật ong ở cục sở hữu trí tuệ", "so-huu-tri-tue"),
        # The procedure is named, but the rest of the question is another agency's matter.
        ("vợ chồng em đều ở Nhật, muốn đăng ký kết hôn tại Đại sứ quán Việt Nam ở Tokyo", "co-quan-dai-dien"),
        (
            "công ty tôi xây nhà xưởng trong khu công nghiệp thì xin giấy phép xây dựng ở cơ quan nào",
            "giay-phep-xay-dung-cong-trinh",
        ),
    ],
)
def test_other_agencies_are_referrals(real: Matcher, question: str, referral: str) -> None:
    m = real.match(question)
    assert m.kind == "referral" and m.referral is not None and m.referral.id == referral


@pytest.mark.parametrize(
    "question",
    [
        "Xin hỏi năm ngoái xã mình có bao nhiêu cặp đăng ký kết hôn?",
        "mỗi năm cả nước có bao nhiêu trẻ được đăng ký khai sinh",
        "Theo quý cơ quan, thủ tục chứng thực ở xã còn rườm rà ở điểm nào?",
        "Các nước châu Âu có thủ tục công nhận hộ nghèo như Việt Nam không?",
        "bot oi ke chuyen cuoi ve dang ky ket hon di",
        "cam on ad nhe, lam xong giay khai sinh cho be roi",
    ],
)
def test_talk_about_a_procedure_named_outright_is_no_request(real: Matcher, question: str) -> None:
    # The procedure is named in full; the citizen asks for a statistic or an opinion, not the paper.
    assert real.match(question).kind == "none"


def test_a_court_case_said_in_full_goes_to_the_court(real: Matcher) -> None:
    # Mediation and land words are context; the lawsuit is named outright.
    m = real.match("Tranh chấp đất hòa giải ở xã không thành, giờ nộp đơn kiện ra tòa án cần gì?")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "khoi-kien-toa-an"


@pytest.mark.parametrize(
    ("question", "referral"),
    [
        ("Con gái tôi đăng ký kết hôn bên Hàn rồi, giờ về ghi vào sổ hộ tịch thế nào?", "ghi-chu-ho-tich"),
        ("con sinh o Dai Loan da co giay khai sinh ben do, ve VN muon ghi vao so ho tich", "ghi-chu-ho-tich"),
        ("ba be la nguoi Uc, muon lam thu tuc nhan con, be da co khai sinh", "ho-tich-yeu-to-nuoc-ngoai"),
        ("tui là con duy nhất, chứng thực văn bản khai nhận di sản của ba ở xã", "chung-thuc-van-ban-di-san"),
        ("Hợp đồng mua đất đã chứng thực ở xã, nay hai bên thỏa thuận hủy bỏ", "sua-huy-hop-dong-chung-thuc"),
        ("dong cua tiem luon, cham dut ho kinh doanh tra giay o dau", "ho-kinh-doanh-thay-doi"),
    ],
)
def test_commune_matters_without_a_card_are_not_their_look_alikes(
    real: Matcher, question: str, referral: str
) -> None:
    m = real.match(question)
    assert m.kind == "referral" and m.referral is not None and m.referral.id == referral
    assert m.referral.at_commune


def test_a_referral_requires_what_tells_it_apart(real: Matcher) -> None:
    # "nhận cha con", "khai tử" are in the foreign-element referral's phrasings; without a foreign
    # element the question is about the commune's own procedure.
    for question, code in (
        ("nhan cha con mat phi bao nhieu, bao lau co ket qua", "1.001022"),
        ("Tôi muốn làm thủ tục nhận cha cho con đã 5 tuổi, có cần hai người làm chứng không?", "1.001022"),
    ):
        m = real.match(question)
        assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == code, (question, m)


def test_a_copy_of_another_offices_paper_is_a_certified_copy(real: Matcher) -> None:
    # The card or the licence is another office's; a photocopy of it certified is the commune's.
    for question in ("photo căn cước ở xã có cần mang bản gốc không", "photo bằng lái xe ở xã mất bao lâu"):
        m = real.match(question)
        assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "2.000815", m


def test_a_land_with_a_certificate_goes_to_court_and_one_without_to_the_commune(real: Matcher) -> None:
    # After a failed mediation the Chủ tịch xã decides only for land without a certificate; "chưa có
    # sổ đỏ" must not read as "có sổ đỏ" although its "có" drops.
    m = real.match("tranh chap dat chua co so do, hoa giai khong thanh thi ai giai quyet")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.013967"
    m = real.match("Hai nhà đều có sổ đỏ, hòa giải ở xã không thành rồi, giờ kiện ở đâu?")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "khoi-kien-toa-an"


def test_a_referral_named_in_passing_is_context(real: Matcher) -> None:
    m = real.match("tên tui trong giấy khai sinh ghi là Hườn mà căn cước là Hường, sửa lại sao?")
    assert m.kind != "referral"
    assert "1.004859" in {c.code for c in m.candidates[:3]}


def test_keyboard_mashing_is_never_matched(real: Matcher) -> None:
    import random
    import string

    rng = random.Random(2)
    vietnamese = "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợứừửữự"
    alphabet = string.ascii_letters + string.digits + " .,;:!?()/@#-_" + vietnamese + "😀🙏中文한국어"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.choice([5, 40, 200, 2000])))
        assert real.match(text).kind == "none", text[:80]


# ---------------------------------------------------------------- classes of question (real knowledge base)


@pytest.mark.parametrize(
    "question",
    [
        "văn phòng luật sư nào soạn di chúc giá rẻ",
        "thuê luật sư soạn di chúc hết bao nhiêu tiền",
        "lịch tiêm chủng cho trẻ sơ sinh",
        "câu lạc bộ bơi cho trẻ học phí bao nhiêu",
        "đặt tên con gái tên gì hay",
        "xe lăn cho người khuyết tật mua ở đâu",
        "lễ hội chùa Hương năm nay khai mạc ngày nào",
        "Tại sao người Việt lại thờ cúng tổ tiên?",
        "Sổ đỏ với sổ hồng khác nhau chỗ nào vậy?",
        "Cán bộ tư pháp hộ tịch xã lương bao nhiêu một tháng?",
        "bài thuốc dân gian chữa ho cho người cao tuổi",
        "lúa mất mùa, phân bón lên giá, xã có hỗ trợ nông dân gì không",
        "lễ hội đền Hùng năm nay khi nào diễn ra",
        "muốn hỏa táng cho bà thì liên hệ đài hóa thân nào",
        # Adoption is not recognising one's own child; the commune's adoption procedure is not here yet.
        "tôi muốn nhận con riêng của chồng làm con nuôi",
        # Siblings of a procedure that are procedures of their own, not in the knowledge base yet.
        "hộ kinh doanh của tôi muốn tạm ngừng kinh doanh 6 tháng",
        "nhà chùa muốn xây chùa mới thì xin giấy phép xây dựng ở đâu",
        "đám cưới ở quê nên đặt bao nhiêu mâm",
        # Something done at the commune told first, then advice asked.
        "khai sinh cho bé xong rồi, giờ lại mặt nhà ngoại mấy ngày là đúng phong tục",
        "đã chứng thực học bạ rồi, viết cv xin việc sao cho hay",
        "đất đã hòa giải xong với hàng xóm, bờ rào nên trồng cây gì",
        # The same in English, read into the Vietnamese words of other kinds of question.
        "Is there a good wedding photographer you can recommend?",
        "What should I wear to a Vietnamese funeral?",
        "Which funeral home in town is cheapest?",
        "Which hospital is best for having a baby in Da Nang?",
        "What flowers do people bring to a Vietnamese funeral?",
        "Which village festivals are worth visiting at Tet?",
        "Any real estate agent who can sell grandma's land quickly?",
        "What's the Vietnamese word for birth certificate? Learning the language.",
        "my dad needs physical therapy after his stroke, which clinic?",
        "Please help us write an obituary for our late grandfather.",
        "Can you write a poem for my grandmother's funeral?",
        "What are the traditions at a Vietnamese wedding in the north?",
    ],
)
def test_another_kind_of_question_is_not_a_procedure(real: Matcher, question: str) -> None:
    # A procedure's words appear, but the citizen asks about prices, shops, health, schools, events.
    assert real.match(question).kind in ("none", "referral")


def test_what_a_paper_is_for_is_not_the_request(real: Matcher) -> None:
    # The loan is only what the poor-household paper is for: not the bank's referral.
    m = real.match("xin giấy xác nhận hộ nghèo để vay vốn ngân hàng chính sách")
    assert m.kind in ("procedure", "clarify") and m.candidates[0].code == "1.011607", m


def test_negation_tells_a_procedure_from_a_referral(real: Matcher) -> None:
    # "không có lương hưu" is the social pension; "lương hưu" itself is social insurance's business.
    m = real.match("75 tuổi không có lương hưu")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.014027"
    m = real.match("lương hưu tháng này bao giờ về")
    assert m.kind in ("referral", "none")
    assert m.kind != "referral" or (m.referral is not None and m.referral.id == "bhxh-mot-lan")


def test_what_the_citizen_sets_aside_does_not_count(real: Matcher) -> None:
    m = real.match("không phải đăng ký sinh hoạt tôn giáo, mà là tổ chức hội làng thì báo xã thế nào")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "1.003622"
    m = real.match("bố mẹ còn sống muốn cho con mảnh đất, không để lại di chúc, chứng thực hợp đồng tặng cho")
    assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "2.001035"


def test_a_notarised_copy_of_an_id_card_is_a_commune_procedure(real: Matcher) -> None:
    for q in ("công chứng cccd", "photo công chứng căn cước ở đâu"):
        m = real.match(q)
        assert m.kind == "procedure" and m.procedure is not None and m.procedure.code == "2.000815", q


def test_a_word_typed_with_its_marks_is_not_corrected_into_another(real: Matcher) -> None:
    # "bói" (fortune-telling) must not become "đổi" (change) next to "tên".
    assert real.match("bói tên cho con hợp tuổi bố mẹ").kind == "none"


def test_a_long_story_gets_a_choice_rather_than_nothing(real: Matcher) -> None:
    q = (
        "Vợ em vừa sinh bé trai ở bệnh viện huyện được mười ngày, em muốn làm giấy tờ cho cháu để sau này "
        "đi học, mà em đi làm xa không về được thì bà nội đi làm thay có được không ạ"
    )
    m = real.match(q)
    assert m.kind in ("procedure", "clarify")
    offered = {m.procedure.code} if m.procedure else {c.code for c in m.candidates}
    assert "1.001193" in offered


def test_close_siblings_are_asked_about_not_guessed(real: Matcher) -> None:
    # The child already has a birth certificate: "nhận cha" (1.001022), not the birth registration that
    # includes it (1.000689). When the matcher is not sure between such siblings it must ask.
    m = real.match("con đã có giấy khai sinh rồi, giờ mới làm thủ tục nhận cha thì đăng ký thế nào")
    assert m.kind in ("procedure", "clarify")
    if m.kind == "procedure":
        assert m.procedure is not None and m.procedure.code == "1.001022"
    else:
        assert "1.001022" in {c.code for c in m.candidates}


def _assert_answers(matcher: Matcher, question: str, code: str) -> None:
    m = matcher.match(question)
    assert m.kind == "procedure" and _code(m) == code, (question, m)


def _code(m: object) -> str | None:
    procedure = getattr(m, "procedure", None)
    return procedure.code if procedure is not None else None


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("làm giấy khai sinh", "1.001193"),
        ("lam giay ket hon", "1.000894"),
        ("lam giay chung tu cho ong noi can nhung gi", "1.000656"),
    ],
)
def test_the_plain_procedure_is_meant_unless_the_sign_of_a_sibling_is_said(
    real: Matcher, question: str, code: str
) -> None:
    # "Đăng ký lại ..." requires a lost or spoilt paper; without one the first registration is meant.
    m = real.match(question)
    assert m.kind == "procedure" and _code(m) == code, m


def test_a_sign_of_the_marked_sibling_is_heard(real: Matcher) -> None:
    _assert_answers(real, "mất giấy kết hôn, xã cũng không còn sổ gốc, đăng ký lại thế nào", "1.004746")


def test_hoi_and_nga_are_forgiven(real: Matcher) -> None:
    # "tữ" for "tử", "củ" for "cũ": many regions say the two tones alike.
    assert _code(real.match("khai tữ cho bà nội cần giấy gì")) == "1.000656"


def test_a_purpose_clause_can_be_the_request(real: Matcher) -> None:
    m = real.match("Nhà tôi định phá căn nhà cấp bốn cũ để xây nhà hai tầng, có phải xin phép không?")
    assert m.kind in ("procedure", "clarify")
    assert "1.013225" in {c.code for c in m.candidates}
    # Stepping down is not being recognised: a procedure the question excludes is never the answer,
    # even when no other procedure is near.
    m = real.match("xin thôi làm hòa giải viên ở tổ dân phố có phải làm đơn ko")
    assert m.kind != "procedure", m


def test_a_far_better_explained_referral_wins(real: Matcher) -> None:
    m = real.match("Làm hộ chiếu lần đầu ở đâu, mất bao lâu?")
    assert m.kind == "referral" and m.referral is not None and m.referral.id == "ho-chieu"


def test_a_plainly_named_procedure_outweighs_a_side_remark(real: Matcher) -> None:
    # "khám bệnh" is usually a health question; here it is a paper for the procedure named outright.
    _assert_answers(real, "con e bị down, lm giấy xác nhận khuyết tật cần giấy khám bệnh ko", "1.001699")


def test_a_procedure_excluded_by_what_the_question_says(real: Matcher) -> None:
    # Land that already has a certificate is not a first registration: the building permit is meant.
    m = real.match("nhà ở phố đã có sổ hồng, muốn đập đi xây mới 4 tầng, ra phường xin giấy gì")
    assert _code(m) != "1.013978"
    assert "1.013225" in {c.code for c in m.candidates}


def test_an_exclusion_typed_bare_keeps_its_small_words(real: Matcher) -> None:
    # "ghi chú kết hôn" (recording a marriage made abroad) excludes the foreign marriage; typed bare,
    # "chu" stays in the question though the entry, written with marks, drops "chú" as a small word.
    for question in ("ghi chú kết hôn đã đăng ký ở hàn quốc", "ghi chu ket hon da dang ky o han quoc"):
        assert _code(real.match(question)) != "2.000806", question


def test_an_exclusion_after_not_yet_is_its_opposite(real: Matcher) -> None:
    # "đủ 18 tuổi" ends a guardianship; "chưa đủ 18 tuổi" is why one is needed.
    _assert_answers(real, "bố mẹ mất, em trai chưa đủ 18 tuổi, tôi làm giám hộ cho em", "1.004837")


# "sổ … còn": the register still kept means a copy, not re-registration; read past the words between,
# but not across a comma ("sổ ở xã cũng mất, còn học bạ": the register is lost).
REGISTER_KEPT_OR_LOST = [
    ("gks goc bi mat, so ho tich o xa van con, xin ban sao hay phai dk lai", "2.000635"),
    ("Giấy khai sinh gốc bị mất, sổ hộ tịch ở xã vẫn còn, xin bản sao hay phải đăng ký lại?", "2.000635"),
    ("mat giay khai sinh goc, so o xa cung mat, con hoc ba co ghi ngay sinh, lam lai duoc ko", "1.004884"),
    ("Mất giấy khai sinh gốc, sổ ở xã cũng mất, còn học bạ ghi ngày sinh, làm lại được không?", "1.004884"),
]


@pytest.mark.parametrize(("question", "code"), REGISTER_KEPT_OR_LOST)
def test_an_exclusion_with_a_gap_stays_inside_its_clause(question: str, code: str, real: Matcher) -> None:
    m = real.match(question)
    assert m.kind == "procedure" and _code(m) == code, m


@pytest.mark.parametrize(
    "question",
    [
        "hồ sơ khai sinh nộp tuần trước đến đâu rồi",
        "ho so dat cua toi xong chua",
        "tra cứu hồ sơ",
        "nộp hồ sơ khai tử tuần trước mà chưa thấy trả",
        "giấy xác nhận độc thân của em có chưa ad",
    ],
)
def test_a_dossier_s_progress_is_asked_of_the_lookup(question: str, real: Matcher) -> None:
    m = real.match(question)
    assert m.kind == "none" and m.asks_progress, m


def test_a_processing_time_is_asked_of_the_procedure(real: Matcher) -> None:
    m = real.match("đăng ký khai sinh bao lâu thì xong")
    assert m.kind == "procedure" and _code(m) == "1.001193" and not m.asks_progress, m


def test_no_exclusion_rules_out_its_own_procedure(real: Matcher) -> None:
    assert real.self_exclusions() == []


def test_a_single_plausible_procedure_is_answered(real: Matcher) -> None:
    _assert_answers(
        real, "vợ em vừa sinh bé gái hôm qua ở trạm y tế, giờ muốn làm giấy tờ đầu tiên cho bé", "1.001193"
    )


def test_what_was_done_names_the_request_s_object_but_brings_in_no_other_matter(real: Matcher) -> None:
    # The request alone ("chuyển khẩu về nhà chồng") is another agency's: the marriage is only context.
    moved = real.match("đăng ký kết hôn xong rồi, giờ chuyển khẩu vợ về nhà chồng làm thế nào")
    assert moved.kind == "referral" and moved.referral is not None, moved
    assert moved.referral.id == "thuong-tru", moved
    # The request alone ("mang ra xã chứng thực") could be several certifications: the will picks one.
    _assert_answers(real, "ông viết di chúc xong rồi, giờ mang ra xã chứng thực thì cần gì", "2.001019")


def test_income_or_hardship_papers_are_not_ours_but_their_signature_is_certified(real: Matcher) -> None:
    asked = ("phường có xác nhận thu nhập cho tôi vay mua nhà không", "xin xác nhận hoàn cảnh khó khăn")
    for question in asked:
        m = real.match(question)
        assert m.kind == "none", (question, m)
    _assert_answers(real, "chứng thực chữ ký trên giấy xác nhận thu nhập hết bao nhiêu tiền", "2.000884")


def test_the_commune_certifies_a_translator_s_signature_but_translates_nothing(real: Matcher) -> None:
    for question in ("phường có dịch giấy tờ sang tiếng Hàn không", "dịch hộ em cái bằng lái sang tiếng Anh"):
        m = real.match(question)
        assert m.kind != "procedure", (question, m)
    _assert_answers(
        real,
        "tôi dịch giúp em trai học bạ sang tiếng Nhật, ra xã chứng thực chữ ký người dịch cần gì",
        "2.000992",
    )


def test_a_slip_against_the_spelling_rules_is_corrected(real: Matcher) -> None:
    # "ngèo" cannot be a word ("ng" is never written before e): it is "nghèo" with the h left out.
    _assert_answers(real, "nhà em thuộc hộ ngèo, giấy đề nghị công nhận ai ký", "1.011607")


def test_which_form_of_a_paper_to_bring_is_a_detail_not_a_copy_asked_for(real: Matcher) -> None:
    _assert_answers(
        real, "khai tử cho bố thì giấy báo tử của bệnh viện nộp bản chính hay bản sao", "1.000656"
    )


def test_a_lawyer_asking_for_a_client_asks_for_the_procedure(real: Matcher) -> None:
    _assert_answers(
        real, "tôi là luật sư, thân chủ muốn chứng thực hợp đồng tặng cho đất ở xã thì cần gì", "2.001035"
    )
    assert real.match("văn phòng luật sư nào tư vấn ly hôn giỏi").kind != "procedure"


@pytest.mark.parametrize(
    "question",
    [
        "hồ sơ khai tử nộp nhầm, tôi muốn rút hồ sơ lại",
        "xã giải quyết tranh chấp đất chậm quá, tôi muốn gửi đơn vượt cấp lên tỉnh",
        "cho tôi gặp lãnh đạo, hồ sơ đất bị trả mấy lần rồi",
    ],
)
def test_how_a_case_is_handled_is_a_complaint_not_a_procedure(question: str, real: Matcher) -> None:
    assert real.match(question).kind != "procedure"


def test_an_authorisation_to_withdraw_a_dossier_is_a_signature_to_certify(real: Matcher) -> None:
    _assert_answers(
        real, "chứng thực chữ ký trên giấy ủy quyền cho con đi rút hồ sơ gốc ở trường", "2.000884"
    )


def test_the_dead_s_savings_are_the_bank_s_but_the_paper_it_wants_is_ours(real: Matcher) -> None:
    assert real.match("ông tôi mất rồi, rút sổ tiết kiệm của ông ở ngân hàng cần gì").kind != "procedure"
    _assert_answers(real, "xin bản sao trích lục khai tử của bà để rút sổ tiết kiệm", "2.000635")
    _assert_answers(real, "chứng thực chữ ký giấy ủy quyền cho con đi rút tiền tiết kiệm", "2.000884")


def test_two_procedures_compared_for_one_s_own_case_is_a_request(real: Matcher) -> None:
    _assert_answers(
        real, "hộ nghèo với hộ cận nghèo khác nhau chỗ nào, nhà em thì nên làm cái nào", "1.011607"
    )
    assert real.match("chứng thực với công chứng khác nhau chỗ nào, em đang ôn thi").kind != "procedure"


def test_a_slip_is_fixed_into_the_word_its_both_neighbours_confirm(real: Matcher) -> None:
    # "khay" is a word one edit from "khai" and from "khám"; only "khai" makes terms with both neighbours.
    assert real.explain("con 2 tháng tuổi mới làm giấy khay sinh có bị phạt") == real.explain(
        "con 2 tháng tuổi mới làm giấy khai sinh có bị phạt"
    )
