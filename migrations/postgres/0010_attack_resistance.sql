-- Sign-in throttles keyed by a fixed-size digest of what was tried, with a version for
-- compare-and-swap writes (concurrent failures all count).
-- The old counters (keyed by the typed text) are dropped: at worst a lock ends early.
drop table sign_in_throttles;
create table throttles (
    key_hash text primary key,
    failures bigint not null,
    last_failure_at bigint not null,
    locked_until bigint,
    version bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index throttles_last_failure_idx on throttles (last_failure_at);

-- Code counters outlive a re-issued code: wrong guesses and sends per user and purpose
-- are counted in a window that starts with its first event.
alter table user_codes add column sends bigint not null default 1;
alter table user_codes add column window_started_at bigint not null default 0;

-- Refresh-token rotation: when a token was rotated out (its successor issued).
alter table refresh_tokens add column rotated_at bigint;
