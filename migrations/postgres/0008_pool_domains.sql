-- User pool domains (prefix or custom host names) that route hosted pages to a pool.
create table pool_domains (
    domain text primary key,
    pool_id text not null references user_pools (id) on delete cascade,
    certificate_arn text,
    managed_login_version bigint not null,
    created_at bigint not null
);
create index pool_domains_pool_idx on pool_domains (pool_id);
