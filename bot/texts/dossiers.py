"""Wording about dossiers (hồ sơ): the citizen's lookup, follow-up messages, staff commands, reports, import.

Every sentence a citizen or an official reads about dossiers is here, so a
clerk can fix one without reading code. Citizens are addressed as "Anh/Chị";
every dead end offers a next step. Placeholders in {braces} are filled in by
the code; keep them when editing a sentence.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Statuses (official names as in one-stop software; keys are the status numbers)
# ---------------------------------------------------------------------------

STATUS_NAMES: dict[int, str] = {
    1: "Mới đăng ký",
    2: "Được tiếp nhận",
    3: "Không được tiếp nhận",
    4: "Đang xử lý",
    5: "Yêu cầu bổ sung giấy tờ",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính",
    7: "Công dân yêu cầu rút hồ sơ",
    8: "Dừng xử lý",
    9: "Đã xử lý xong",
    10: "Đã trả kết quả",
}

# What the status means for the citizen, in plain words for a phone screen.
STATUS_CITIZEN_TEXT: dict[int, str] = {
    1: "Hồ sơ đã được đăng ký, đang chờ cán bộ kiểm tra và tiếp nhận.",
    2: "Hồ sơ đã được tiếp nhận và đang chờ chuyển đến cán bộ giải quyết.",
    3: "Hồ sơ chưa được tiếp nhận. Anh/Chị vui lòng liên hệ Trung tâm Phục vụ hành chính công để biết lý do.",
    4: "Hồ sơ đang được giải quyết.",
    5: "Hồ sơ cần bổ sung giấy tờ. Anh/Chị vui lòng bổ sung để hồ sơ được tiếp tục giải quyết.",
    6: "Anh/Chị cần nộp phí, lệ phí hoặc thực hiện nghĩa vụ tài chính để hồ sơ được tiếp tục giải quyết.",
    7: "Hồ sơ đã được rút theo yêu cầu của Anh/Chị.",
    8: "Hồ sơ đã dừng giải quyết. Anh/Chị vui lòng liên hệ Trung tâm Phục vụ hành chính công để biết lý do.",
    9: "Hồ sơ đã giải quyết xong. Anh/Chị có thể đến nhận kết quả.",
    10: "Anh/Chị đã nhận kết quả. Hồ sơ đã hoàn tất.",
}

# ---------------------------------------------------------------------------
# Citizen: looking a dossier up
# ---------------------------------------------------------------------------

BTN_FOLLOW = "🔔 Theo dõi hồ sơ này"
BTN_UNFOLLOW = "🔕 Bỏ theo dõi"
BTN_LOOKUP_OTHER = "🔎 Tra cứu hồ sơ khác"
BTN_TRY_AGAIN = "🔁 Thử lại"
BTN_CONTACT = "☎️ Liên hệ cán bộ"

ASK_CODE = (
    "Anh/Chị nhập mã hồ sơ in trên «Giấy tiếp nhận hồ sơ và hẹn trả kết quả».\nVí dụ: H12.01-260105-0001"
)
CODE_NOT_VALID = (
    "Mã hồ sơ chưa đúng dạng: mã gồm chữ và số, có thể có dấu chấm, dấu gạch, ví dụ H12.01-260105-0001. "
    "Anh/Chị nhập lại mã giúp tôi, hoặc chọn «Về menu chính»."
)
ASK_DIGITS = (
    "Để bảo vệ thông tin của Anh/Chị, xin nhập 4 số cuối của số điện thoại đã đăng ký khi nộp hồ sơ {code}."
)
DIGITS_NOT_VALID = "Anh/Chị nhập 4 chữ số cuối của số điện thoại (ví dụ: 5678) giúp tôi."
# The same answer whether the code does not exist or the digits are wrong: never say which.
NOT_FOUND = (
    "Không tìm thấy hồ sơ khớp với mã và 4 số cuối điện thoại Anh/Chị đã nhập.\n"
    "Anh/Chị kiểm tra lại mã trên Giấy tiếp nhận hồ sơ và số điện thoại đã khai khi nộp hồ sơ rồi thử lại. "
    "Nếu vẫn không được, Anh/Chị liên hệ cán bộ Trung tâm Phục vụ hành chính công xã."
)
TOO_MANY_FAILURES = (
    "Anh/Chị đã nhập sai {limit} lần trong một giờ. Để bảo vệ thông tin hồ sơ, "
    "Anh/Chị vui lòng thử lại sau khoảng {minutes} phút, hoặc liên hệ trực tiếp cán bộ."
)

CARD_TITLE = "📄 Hồ sơ {code}"
CARD_PROCEDURE = "Thủ tục: {name}"
CARD_APPLICANT = "Người nộp: {name}"
CARD_RECEIVED = "Ngày tiếp nhận: {date}"
CARD_APPOINTMENT = "Ngày hẹn trả kết quả: {date}"
CARD_NO_APPOINTMENT = "Ngày hẹn trả kết quả: chưa có"
CARD_STATUS = "Tình trạng: {label}"
DAYS_LEFT = "⏳ Còn {n} ngày làm việc đến hạn trả kết quả ({date})."
DUE_TODAY = "⏳ Hôm nay ({date}) là hạn trả kết quả."
DAYS_LATE = "⚠️ Hồ sơ đã quá hạn {n} ngày làm việc (hạn {date}). Thành thật xin lỗi Anh/Chị vì sự chậm trễ."
PAUSED = "⏸ Thời gian chờ Anh/Chị bổ sung giấy tờ hoặc nộp phí không tính vào thời hạn giải quyết."
MISSING = "📎 Giấy tờ cần bổ sung: {what}"
MISSING_UNKNOWN = "📎 Anh/Chị liên hệ cán bộ để biết giấy tờ cần bổ sung."
FEE = "💰 Số tiền cần nộp: {amount} đồng"
FEE_UNKNOWN = "💰 Anh/Chị liên hệ cán bộ để biết số tiền cần nộp."
COLLECT = (
    "📍 Nơi nhận kết quả: {where}\n"
    "Giờ làm việc: {hours}\n"
    "Khi đến nhận, Anh/Chị mang theo Giấy tiếp nhận hồ sơ và giấy tờ tùy thân."
)
OFFICIAL_NOTE = "Ghi chú của cán bộ: {note}"
FOLLOWING_NOTE = "🔔 Anh/Chị đang theo dõi hồ sơ này: khi có thay đổi, tôi sẽ báo ngay."

FOLLOW_OK = (
    "🔔 Đã đăng ký theo dõi hồ sơ {code}. Khi hồ sơ thay đổi tình trạng, tôi sẽ báo cho Anh/Chị tại đây."
)
FOLLOW_ALREADY = "Anh/Chị đã theo dõi hồ sơ {code} rồi. Khi có thay đổi, tôi sẽ báo cho Anh/Chị."
FOLLOW_EXPIRED = (
    "Để theo dõi một hồ sơ, Anh/Chị tra cứu lại hồ sơ đó (mã hồ sơ và 4 số cuối điện thoại) giúp tôi."
)
FOLLOW_TOO_MANY = (
    "Anh/Chị đang theo dõi {n} hồ sơ, đã đến giới hạn. Anh/Chị bỏ theo dõi bớt hồ sơ cũ rồi thử lại."
)
UNFOLLOW_OK = "🔕 Đã bỏ theo dõi hồ sơ {code}. Anh/Chị vẫn có thể tra cứu hồ sơ bất cứ lúc nào."
UNFOLLOW_NONE = "Anh/Chị hiện không theo dõi hồ sơ này."
BUTTON_GONE = "Nút này không còn dùng được. Anh/Chị chọn «Tra cứu hồ sơ» để tra cứu lại."

# Pushed to followers when the status changes (through the outbox, on the channel they used).
NOTIFY_TITLE = "🔔 Hồ sơ {code} ({procedure}) vừa được cập nhật."
NOTIFY_STATUS = "Tình trạng mới: {label}\n{text}"

# ---------------------------------------------------------------------------
# Staff group
# ---------------------------------------------------------------------------

HOSO_USAGE = "Cách dùng: /hoso MÃ_HỒ_SƠ (ví dụ /hoso H12.01-260105-0001)."
CAPNHAT_USAGE = (
    "Cách dùng: /capnhat MÃ_HỒ_SƠ TRẠNG_THÁI [ghi chú]\n"
    "Ví dụ: /capnhat H12.01-260105-0001 5 Thiếu bản sao CCCD của mẹ\n"
    "Trạng thái ghi bằng số hoặc tên:\n{statuses}\n"
    "Với trạng thái 5, ghi chú là giấy tờ cần bổ sung; với 6, ghi số tiền trước (ví dụ: 6 150.000 lệ phí)."
)
STATUS_LIST_LINE = "{number}. {label}"
STAFF_NOT_FOUND = "Không có hồ sơ mã {code} trong dữ liệu của bot (đã nhập từ phần mềm một cửa chưa?)."
STATUS_SAME = "Hồ sơ {code} đã ở trạng thái «{label}»; không thay đổi gì."
STATUS_CHANGED = "✅ Đã cập nhật hồ sơ {code}: {old} → {new}."
STATUS_CHANGED_NOTE = "Ghi chú: {note}"
STATUS_CHANGED_FOLLOWERS = "Đã xếp lịch báo cho {n} người đang theo dõi hồ sơ."
STATUS_CHANGED_NO_FOLLOWERS = "Chưa có công dân nào theo dõi hồ sơ này qua bot."

STAFF_CARD_TITLE = "📁 Hồ sơ {code}"
STAFF_CARD_PROCEDURE = "Thủ tục: {name} ({code})"
STAFF_CARD_FIELD = "Lĩnh vực: {field}"
STAFF_CARD_APPLICANT = "Người nộp: {name}"
STAFF_CARD_PHONE = "Điện thoại: {phone}"
STAFF_CARD_NO_PHONE = "Điện thoại: chưa có (công dân chưa tra cứu được)"
STAFF_CARD_RECEIVED = "Tiếp nhận: {at}"
STAFF_CARD_APPOINTMENT = "Hẹn trả: {date}"
STAFF_CARD_APPOINTMENT_COMPUTED = "Hẹn trả: {date} (tính theo thời hạn của thủ tục)"
STAFF_CARD_DUE = "Hạn giải quyết (cộng thời gian chờ công dân): {date}"
STAFF_CARD_STATUS = "Trạng thái: {label}"
STAFF_CARD_STATUS_SINCE = "Trạng thái: {label} (từ {at})"
STAFF_CARD_LEFT = "Thời hạn: còn {n} ngày làm việc"
STAFF_CARD_TODAY = "Thời hạn: đến hạn hôm nay"
STAFF_CARD_LATE = "Thời hạn: QUÁ HẠN {n} ngày làm việc"
STAFF_CARD_LATE_RULE = "Thời hạn: QUÁ HẠN (yêu cầu bổ sung hơn một lần)"
STAFF_CARD_FINISHED = "Kết thúc: {at}"
STAFF_CARD_MISSING = "Giấy tờ cần bổ sung: {what}"
STAFF_CARD_FEE = "Số tiền phải nộp: {amount} đồng"
STAFF_CARD_LOCATION = "Nơi trả kết quả: {where}"
STAFF_CARD_COUNTERS = "Số lần yêu cầu bổ sung: {supplements} · Ngày chờ công dân: {waiting}"
STAFF_CARD_NOTE = "Ghi chú: {note}"
STAFF_CARD_FOLLOWERS = "Người theo dõi qua bot: {n}"
STAFF_CARD_HISTORY = "Lịch sử trạng thái:"
STAFF_CARD_HISTORY_LINE = "• {at}: {old} → {new} ({who}){note}"
HISTORY_BY_STAFF = "cán bộ {actor}"
HISTORY_BY_IMPORT = "nhập từ phần mềm một cửa"
HISTORY_BY_DEMO = "dữ liệu mẫu"
HISTORY_NO_STATUS = "—"

REPORT_USAGE = (
    "Cách dùng: /baocao [thang|quy|nam] hoặc /baocao TỪ_NGÀY ĐẾN_NGÀY (dd/mm/yyyy).\n"
    "Không ghi gì: báo cáo từ đầu tháng này đến hôm nay."
)
REPORT_BAD_RANGE = "Ngày bắt đầu ({start}) phải trước hoặc bằng ngày kết thúc ({end})."
REPORT_CHART_CAPTION = "📊 Biểu đồ tiến độ giải quyết hồ sơ {start} – {end}"

SUMMARY_TITLE = "☀️ Hồ sơ cần chú ý sáng {date}"
SUMMARY_DUE_TODAY = "Đến hạn trả kết quả hôm nay: {n}"
SUMMARY_LATE = "Đã quá hạn: {n}"
SUMMARY_LINE_DUE = "• {code} — {procedure}"
SUMMARY_LINE_LATE = "• {code} — {procedure} — quá {n} ngày làm việc (hạn {date})"
SUMMARY_LINE_LATE_RULE = "• {code} — {procedure} — quá hạn (yêu cầu bổ sung hơn một lần)"
SUMMARY_MORE = "… và {n} hồ sơ khác."
SUMMARY_NONE = "Không có hồ sơ nào đến hạn hôm nay hay đã quá hạn. 👍"
SUMMARY_FOOTER = "Xem chi tiết: /hoso MÃ · Cập nhật: /capnhat MÃ TRẠNG_THÁI"

UNKNOWN_PROCEDURE = "(chưa rõ thủ tục)"

# ---------------------------------------------------------------------------
# Command line: import, report, demo
# ---------------------------------------------------------------------------

CLI_IMPORT_DONE = (
    "Đã đọc {rows} dòng dữ liệu: thêm mới {inserted}, cập nhật {updated}, không đổi {unchanged}, lỗi {bad}."
)
CLI_IMPORT_DUPLICATES = "({n} dòng trùng mã với dòng khác trong tệp: dòng sau ghi đè dòng trước.)"
CLI_IMPORT_STATUS_CHANGES = (
    "{changes} hồ sơ đổi trạng thái; đã xếp lịch {notified} tin báo cho người theo dõi."
)
CLI_IMPORT_COMPUTED = "{n} hồ sơ không có ngày hẹn trả: đã tính theo thời hạn của thủ tục."
CLI_IMPORT_BAD_HEADER = "Các dòng lỗi (không nạp):"
CLI_IMPORT_WARN_HEADER = "Lưu ý (đã nạp):"
CLI_IMPORT_LINE = "  Dòng {line}: {reason}"
CLI_IMPORT_MORE = "  … và {n} dòng khác."
CLI_IMPORT_FILE_ERROR = "Không đọc được tệp: {error}"
CLI_IMPORT_MAPPING_ERROR = "Tệp ánh xạ cột {path} không dùng được: {error}"
CLI_IMPORT_MAPPING_SHAPE = (
    "cần dạng «trường: Tên cột» hoặc «trường: [Tên 1, Tên 2]» (trường: code, phone, ...)"
)
CLI_IMPORT_PROGRESS = "Đang nạp"
CLI_REPORT_DATE_ERROR = "Ngày không hợp lệ: {value} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)"
CLI_REPORT_CHART_SAVED = "Đã lưu biểu đồ: {path}"
CLI_CONFIG_ERROR = "Cấu hình sai: {error}"
CLI_DEMO_CREATED = (
    "Đã tạo {n} hồ sơ mẫu (mã DEMO-0001 … DEMO-{last:04d}); "
    "tra cứu thử với 4 số cuối điện thoại {digits}: motcua chat"
)
CLI_DEMO_EXISTS = "Hồ sơ mẫu đã có sẵn; không tạo thêm."

# ---------------------------------------------------------------------------
# The timeliness report (bot/services/timeliness.py)
# ---------------------------------------------------------------------------

REPORT_TITLE = "BÁO CÁO TIẾN ĐỘ GIẢI QUYẾT HỒ SƠ"
REPORT_PERIOD = "Kỳ báo cáo: {start} – {end}"
REPORT_AS_OF = "Số liệu tính đến hết ngày {end}"
REPORT_RECEIVED = "Hồ sơ tiếp nhận trong kỳ: {n}"
REPORT_RESOLVED = "Đã giải quyết: {n}"
REPORT_BEFORE = "• Trước hạn: {n} ({pct})"
REPORT_ON_TIME = "• Đúng hạn: {n} ({pct})"
REPORT_LATE = "• Quá hạn: {n} ({pct})"
REPORT_OPEN = "Đang giải quyết: {n} (trong hạn {within}, quá hạn {overdue})"
REPORT_PAUSED = "Tạm dừng chờ công dân bổ sung, thực hiện nghĩa vụ tài chính: {n}"
REPORT_OTHER = "Công dân rút hồ sơ: {withdrawn} · Không được tiếp nhận: {refused} · Chờ tiếp nhận: {waiting}"
REPORT_INCOMPLETE = "Thiếu ngày hẹn trả hoặc ngày kết thúc (chưa tính): {n}"
REPORT_TARGET_MET = "Chỉ tiêu trên {target} hồ sơ giải quyết trước hạn: ĐẠT ({pct})"
REPORT_TARGET_MISSED = "Chỉ tiêu trên {target} hồ sơ giải quyết trước hạn: CHƯA ĐẠT ({pct})"
REPORT_TARGET_NO_DATA = "Chỉ tiêu trên {target} hồ sơ giải quyết trước hạn: chưa có hồ sơ giải quyết trong kỳ"
REPORT_BY_FIELD = "Theo lĩnh vực:"
REPORT_FIELD_LINE = (
    "• {field}: giải quyết {resolved} — trước hạn {before} ({before_pct}), đúng hạn {on_time}, "
    "quá hạn {late}; đang giải quyết {open} (quá hạn {overdue}); tạm dừng {paused}"
)
REPORT_UNKNOWN_FIELD = "Chưa rõ lĩnh vực"
REPORT_NO_PCT = "–"

# ---------------------------------------------------------------------------
# The report chart (bot/services/report_chart.py)
# ---------------------------------------------------------------------------

CHART_TITLE = "Tiến độ giải quyết hồ sơ"
CHART_PERIOD = "{start} – {end}"
CHART_AS_OF = "đến hết ngày {end}"
CHART_OVERALL = "Toàn xã"
CHART_UNKNOWN_FIELD = "Chưa rõ lĩnh vực"
CHART_FINISHED_PANEL = "Hồ sơ đã giải quyết (tỷ lệ %)"
CHART_OPEN_PANEL = "Hồ sơ đang giải quyết (số hồ sơ)"
CHART_BEFORE = "Trước hạn"
CHART_ON_TIME = "Đúng hạn"
CHART_LATE = "Quá hạn"
CHART_OPEN_WITHIN = "Trong hạn"
CHART_OPEN_OVERDUE = "Quá hạn"
CHART_PAUSED = "Tạm dừng (chờ công dân)"
CHART_TARGET = "Chỉ tiêu: trên {target}% trước hạn"
CHART_COUNT = "n={n}"
CHART_NO_DATA = "chưa có"

# ---------------------------------------------------------------------------
# Reading an export (bot/services/dossier_import.py): reasons for bad rows and warnings
# ---------------------------------------------------------------------------

IMPORT_MISSING = "thiếu {what}"
IMPORT_INVALID_DATE = "{what} không hợp lệ: {value!r} (dùng dd/mm/yyyy, dd/mm/yyyy HH:MM hoặc YYYY-MM-DD)"
IMPORT_UNKNOWN_STATUS = "trạng thái không rõ: {value!r} (dùng số 1–10 hoặc tên trạng thái)"
IMPORT_INVALID_MONEY = "số tiền phải nộp không hợp lệ: {value!r}"
IMPORT_INVALID_COUNT = "{what} phải là số nguyên không âm: {value!r}"
IMPORT_CODE_TOO_LONG = "mã hồ sơ dài quá {n} ký tự"
IMPORT_EXTRA_CELLS = "dòng có {cells} ô, nhiều hơn {columns} cột của tiêu đề (thừa dấu phân cách?)"
IMPORT_NOT_OBJECT = "phần tử không phải một đối tượng JSON {...}"
IMPORT_BAD_JSON = "JSON lỗi: {error}"
IMPORT_BAD_JSON_STOP = "JSON lỗi, dừng đọc từ đây: {error}"
IMPORT_WARN_PHONE = "số điện thoại không hợp lệ, đã bỏ trống (công dân chưa tra cứu được hồ sơ này)"
IMPORT_WARN_NO_APPOINTMENT = "không có ngày hẹn trả và không tính được từ thời hạn của thủ tục {code!r}"
IMPORT_WARN_BAD_PROCESSING_TIME = "thời hạn giải quyết của thủ tục {code!r} không dùng được: {error}"
IMPORT_WARN_NO_FINISH = "hồ sơ đã kết thúc nhưng không có ngày kết thúc"
IMPORT_WARN_DUPLICATE = "mã hồ sơ trùng với dòng {line}; dòng sau ghi đè dòng trước"
IMPORT_FMT_MISSING_COLUMNS = "{source}: thiếu cột bắt buộc: {columns}"
IMPORT_FMT_EMPTY = "{source}: tệp rỗng"
IMPORT_FMT_ENCODING = "{source}: tệp không phải UTF-8 (dòng {line}); hãy lưu lại dưới dạng CSV UTF-8"
IMPORT_FMT_NOT_LIST = "{source}: JSON phải là một danh sách [ {{...}}, ... ] hoặc mỗi dòng một đối tượng"
