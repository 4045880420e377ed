-- Hosted-page branding: per pool (client_id 'ALL') and per app client.
create table ui_customizations (
    pool_id text not null references user_pools (id) on delete cascade,
    client_id text not null,
    css text,
    logo bytea,
    logo_kind text,
    version text not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint ui_customizations_pkey primary key (pool_id, client_id)
);
