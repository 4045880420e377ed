-- Console operators, user pools, admin API keys, sign-in throttling and web sessions.
-- Times are bigint epoch milliseconds; flags are bigint 0/1 (portable through sqlx::Any).

create table operators (
    id text primary key,
    email text not null,
    role text not null,
    password_hash text not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint operators_email_key unique (email)
);

create table user_pools (
    id text primary key,
    name text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index user_pools_created_at_idx on user_pools (created_at);

create table admin_keys (
    access_key_id text primary key,
    sealed_secret bytea not null,
    active bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table sign_in_throttles (
    key text primary key,
    failures bigint not null,
    last_failure_at bigint not null,
    locked_until bigint,
    created_at bigint not null,
    updated_at bigint not null
);

create table web_sessions (
    id_hash text primary key,
    data bytea not null,
    expires_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index web_sessions_expires_at_idx on web_sessions (expires_at);
