-- Pool settings (a JSON document of the domain's PoolConfig) and app clients.

alter table user_pools add column config text not null default '{}';

create table app_clients (
    id text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    name text not null,
    sealed_secret bytea,
    config text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create index app_clients_pool_id_idx on app_clients (pool_id, id);
