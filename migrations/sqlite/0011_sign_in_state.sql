-- The sign-in state machine: SRP verifiers and second factors on users, and challenge
-- sessions kept on the server so that each is used once.

-- The SRP salt and verifier, sealed with the master key (NULL until the user next sets
-- or uses a password). The factors a user has turned on, with the sealed TOTP secret.
alter table users add column srp_verifier text;
alter table users add column mfa text not null default '{}';
-- The last TOTP step accepted, so that no code is accepted twice (compare-and-swap).
alter table users add column totp_last_step bigint not null default 0;

-- One row per open challenge: keyed by a digest of the Session value, bound to the
-- pool, client and user; the step and its secrets (SRP ephemeral, codes) are sealed.
create table auth_sessions (
    id_hash text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    client_id text not null,
    username_key text not null,
    sealed blob not null,
    failures bigint not null,
    expires_at bigint not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index auth_sessions_expiry_idx on auth_sessions (expires_at);

-- Remembered devices: the device's own SRP verifier (sealed), whether the user chose to
-- remember it, and when it last signed in. Refresh tokens carry the device they were
-- issued to, so a refresh keeps the access token's device_key.
create table devices (
    pool_id text not null,
    username_key text not null,
    device_key text not null,
    group_key text not null,
    name text,
    sealed_verifier text,
    remembered bigint not null,
    confirmed bigint not null,
    last_authenticated_at bigint,
    last_ip text,
    created_at bigint not null,
    updated_at bigint not null,
    constraint devices_pkey primary key (pool_id, device_key),
    foreign key (pool_id, username_key) references users (pool_id, username_key) on delete cascade
);
create index devices_user_idx on devices (pool_id, username_key, device_key);
alter table refresh_tokens add column device_key text;
