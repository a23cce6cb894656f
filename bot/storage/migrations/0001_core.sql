-- Every inbound update we have processed, so a repeated delivery does nothing twice.
CREATE TABLE inbound_messages (
    channel     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    received_at REAL NOT NULL,
    PRIMARY KEY (channel, message_id)
) WITHOUT ROWID;
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

-- Where each person is in a conversation; survives restarts. The flood counter (messages in the
-- current one-minute window) lives on the same row so one statement loads the state and counts.
CREATE TABLE conversations (
    channel      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    state        TEXT NOT NULL,
    updated_at   REAL NOT NULL,
    flood_window REAL NOT NULL DEFAULT 0,
    flood_count  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel, user_id)
) WITHOUT ROWID;

-- Messages waiting to be delivered, written in the same transaction as the fact they report.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    thread_id       TEXT,
    topic_key       TEXT,
    payload         TEXT NOT NULL,
    ref             TEXT,
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    created_at      REAL NOT NULL,
    sent_at         REAL,
    sent_message_id TEXT,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (status, channel, chat_id, id);

-- Which delivered message belongs to which ticket, so a reply to it finds its way back.
CREATE TABLE message_refs (
    channel    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    ref        TEXT NOT NULL,
    PRIMARY KEY (channel, chat_id, message_id)
) WITHOUT ROWID;

-- Banned citizens; persistent so a restart does not lift a ban.
CREATE TABLE bans (
    channel   TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    banned_at REAL NOT NULL,
    banned_by TEXT NOT NULL,
    PRIMARY KEY (channel, user_id)
) WITHOUT ROWID;

-- Sliding-window counters for per-user limits (flood, lookups, reports per day).
CREATE TABLE rate_events (
    key TEXT NOT NULL,
    at  REAL NOT NULL
);
CREATE INDEX rate_events_key_at ON rate_events (key, at);

-- Forum topics created per category in the staff group.
CREATE TABLE staff_topics (
    topic_key TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL
) WITHOUT ROWID;

-- Questions the matcher could not answer or had to clarify: text only, never who asked.
CREATE TABLE unanswered_questions (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    folded   TEXT NOT NULL,
    kind     TEXT NOT NULL,
    asked_at REAL NOT NULL
);
CREATE INDEX unanswered_asked ON unanswered_questions (asked_at);

-- Scheduled jobs remember the last period they ran for, so a restart never repeats a daily summary.
CREATE TABLE job_runs (
    name       TEXT PRIMARY KEY,
    period_key TEXT NOT NULL,
    ran_at     REAL NOT NULL
) WITHOUT ROWID;
