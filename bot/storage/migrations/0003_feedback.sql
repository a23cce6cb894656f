-- Feedback (phản ánh, kiến nghị): reports, their history, and the per-year code sequence.

-- One row per year: codes PA-2026-000123 restart at 1 every year and are never reused.
CREATE TABLE feedback_counters (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE feedback_reports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    code           TEXT NOT NULL UNIQUE,
    -- 'report': a phản ánh / kiến nghị; 'question': a procedure question the bot could not answer.
    kind           TEXT NOT NULL DEFAULT 'report' CHECK (kind IN ('report', 'question')),
    -- Where the citizen is: every reply and status change is sent back there.
    channel        TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    chat_id        TEXT NOT NULL,
    category       TEXT NOT NULL,
    body           TEXT NOT NULL,
    photos         TEXT NOT NULL DEFAULT '[]',
    latitude       REAL,
    longitude      REAL,
    -- Contact is for officials only: never logged, never shown outside the staff group.
    contact_name   TEXT,
    contact_phone  TEXT,
    status         TEXT NOT NULL DEFAULT 'received'
                   CHECK (status IN ('received', 'in_progress', 'resolved', 'rejected')),
    status_note    TEXT,
    created_at     REAL NOT NULL,
    updated_at     REAL NOT NULL,
    first_reply_at REAL,
    closed_at      REAL,
    reminded_at    REAL,
    rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT,
    rated_at       REAL
);
CREATE INDEX feedback_reports_owner ON feedback_reports (channel, user_id, created_at);
CREATE INDEX feedback_reports_open ON feedback_reports (status, created_at);
CREATE INDEX feedback_reports_created ON feedback_reports (created_at);

-- Everything that happened to a report, for /phananh and the commune's records.
CREATE TABLE feedback_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id  INTEGER NOT NULL REFERENCES feedback_reports (id),
    at         REAL NOT NULL,
    actor      TEXT NOT NULL CHECK (actor IN ('citizen', 'staff', 'system')),
    actor_id   TEXT,
    actor_name TEXT,
    kind       TEXT NOT NULL
               CHECK (kind IN ('created', 'reply', 'status', 'addition', 'rating', 'comment', 'reminder')),
    status     TEXT,
    body       TEXT,
    photos     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feedback_events_report ON feedback_events (report_id, id);
