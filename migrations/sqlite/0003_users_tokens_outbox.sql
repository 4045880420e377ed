-- Pool users, their sign-in aliases and search index, one-time codes, signing keys,
-- refresh tokens, and the outbox of messages to users.

create table users (
    pool_id text not null references user_pools (id) on delete cascade,
    username_key text not null,
    username text not null,
    sub text not null,
    status text not null,
    enabled bigint not null,
    attributes text not null,
    password_hash text,
    password_history text not null,
    temporary_password_expires_at bigint,
    tokens_valid_after bigint not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint users_pkey primary key (pool_id, username_key),
    constraint users_sub_key unique (pool_id, sub)
);

-- Unique sign-in identifiers (email / phone / preferred_username) within a pool.
create table user_aliases (
    pool_id text not null,
    kind text not null,
    value_key text not null,
    username_key text not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint user_aliases_pkey primary key (pool_id, kind, value_key),
    foreign key (pool_id, username_key) references users (pool_id, username_key) on delete cascade
);
create index user_aliases_user_idx on user_aliases (pool_id, username_key);

-- ListUsers filters: equality and prefix search as a range on (pool_id, name, value).
create table user_index (
    pool_id text not null,
    name text not null,
    value text not null,
    username_key text not null,
    created_at bigint not null,
    updated_at bigint not null,
    foreign key (pool_id, username_key) references users (pool_id, username_key) on delete cascade
);
create index user_index_lookup_idx on user_index (pool_id, name, value, username_key);
create index user_index_user_idx on user_index (pool_id, username_key);

create table user_codes (
    pool_id text not null,
    username_key text not null,
    purpose text not null,
    code_hash text not null,
    expires_at bigint not null,
    attempts bigint not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint user_codes_pkey primary key (pool_id, username_key, purpose),
    foreign key (pool_id, username_key) references users (pool_id, username_key) on delete cascade
);

create table signing_keys (
    kid text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    sealed_pkcs8 blob not null,
    retired_at bigint,
    expires_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index signing_keys_pool_idx on signing_keys (pool_id, created_at);

create table refresh_tokens (
    id_hash text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    client_id text not null,
    sub text not null,
    origin_jti text not null,
    auth_time bigint not null,
    expires_at bigint not null,
    revoked_at bigint,
    created_at bigint not null,
    updated_at bigint not null
);
create index refresh_tokens_user_idx on refresh_tokens (pool_id, sub);
create index refresh_tokens_origin_idx on refresh_tokens (origin_jti);

create table outbox (
    id text primary key,
    channel text not null,
    recipient text not null,
    sealed blob not null,
    status text not null,
    attempts bigint not null,
    next_attempt_at bigint not null,
    last_error text,
    delivered_to text,
    created_at bigint not null,
    updated_at bigint not null
);
create index outbox_due_idx on outbox (status, next_attempt_at);
