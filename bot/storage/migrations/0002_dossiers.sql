-- Dossiers (hồ sơ): the one-stop software's records, their status history, and who follows them.
--
-- Dates are TEXT in Vietnam local time, 'YYYY-MM-DD HH:MM:SS' (datetimes) and 'YYYY-MM-DD' (dates), so
-- they sort and compare as strings and read the same in the sqlite3 shell as on the receipt.
-- Status is the number 1..10 of bot/services/dossier_model.py; "late" is computed, never stored.

CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    -- Normalised (no spaces, upper case): the UNIQUE index is the lookup path (one probe per lookup).
    code                TEXT NOT NULL UNIQUE,
    procedure_code      TEXT NOT NULL DEFAULT '',
    procedure_name      TEXT NOT NULL DEFAULT '',
    field               TEXT NOT NULL DEFAULT '',
    -- Personal data: shown in full in the staff group only, never logged.
    applicant_name      TEXT NOT NULL DEFAULT '',
    phone               TEXT,
    received_at         TEXT NOT NULL,
    appointment_date    TEXT,
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    status_changed_at   TEXT,
    -- First time the dossier entered a closed status (3, 7, 8, 9, 10): its finish date in the KPI.
    finished_at         TEXT,
    missing_documents   TEXT,
    fee_due             INTEGER,
    result_location     TEXT,
    -- Working days spent waiting on the citizen (statuses 5, 6); they push the deadline back.
    waiting_days        INTEGER NOT NULL DEFAULT 0,
    supplement_requests INTEGER NOT NULL DEFAULT 0,
    note                TEXT,
    created_at          REAL NOT NULL,
    updated_at          REAL NOT NULL
);

-- Open dossiers by appointment: the morning summary (due today / late) and the report's backlog.
CREATE INDEX dossiers_open_due ON dossiers (appointment_date) WHERE status IN (1, 2, 4, 5, 6);
-- Closed dossiers by the day they closed: the report reads only those closed in its period.
CREATE INDEX dossiers_closed_on ON dossiers (COALESCE(finished_at, status_changed_at))
    WHERE status IN (3, 7, 8, 9, 10);

-- Every status change after a dossier was first loaded: who (staff id or the import), when, and why.
CREATE TABLE dossier_status_history (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL REFERENCES dossiers (code),
    at         TEXT NOT NULL,
    old_status INTEGER,
    new_status INTEGER NOT NULL CHECK (new_status BETWEEN 1 AND 10),
    source     TEXT NOT NULL CHECK (source IN ('staff', 'import', 'demo')),
    actor_id   TEXT,
    note       TEXT
);
CREATE INDEX dossier_status_history_code ON dossier_status_history (code, id);

-- Citizens who asked to be told when a dossier changes, on the channel and chat they used.
CREATE TABLE dossier_followers (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL REFERENCES dossiers (code),
    channel    TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (code, channel, user_id, chat_id)
);
CREATE INDEX dossier_followers_user ON dossier_followers (channel, user_id);
