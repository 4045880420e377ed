-- OAuth 2.0 / OpenID Connect: resource servers and their scopes, authorization codes,
-- hosted-UI single-sign-on sessions, and the scopes granted with a refresh token.

create table resource_servers (
    pool_id text not null references user_pools (id) on delete cascade,
    identifier text not null,
    name text not null,
    scopes text not null,
    constraint resource_servers_pkey primary key (pool_id, identifier)
);

-- Codes are stored by SHA-256 of their value; used_at makes them single-use.
create table oauth_codes (
    code_hash text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    client_id text not null,
    sub text not null,
    redirect_uri text not null,
    scopes text not null,
    nonce text,
    code_challenge text,
    origin_jti text not null,
    auth_time bigint not null,
    expires_at bigint not null,
    used_at bigint,
    created_at bigint not null
);
create index oauth_codes_expires_idx on oauth_codes (expires_at);

-- The hosted pages' sign-in session (cookie value stored as SHA-256).
create table hosted_sessions (
    id_hash text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    sub text not null,
    auth_time bigint not null,
    expires_at bigint not null,
    created_at bigint not null
);
create index hosted_sessions_user_idx on hosted_sessions (pool_id, sub);
create index hosted_sessions_expires_idx on hosted_sessions (expires_at);

-- null: an API sign-in (scope aws.cognito.signin.user.admin); else the granted scopes.
alter table refresh_tokens add column scopes text;
