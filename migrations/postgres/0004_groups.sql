-- Groups of pool users and their members.

create table user_groups (
    pool_id text not null references user_pools (id) on delete cascade,
    name text not null,
    description text,
    precedence bigint,
    role_arn text,
    created_at bigint not null,
    updated_at bigint not null,
    constraint user_groups_pkey primary key (pool_id, name)
);

create table group_members (
    pool_id text not null,
    group_name text not null,
    username_key text not null,
    created_at bigint not null,
    updated_at bigint not null,
    constraint group_members_pkey primary key (pool_id, group_name, username_key),
    foreign key (pool_id, group_name) references user_groups (pool_id, name) on delete cascade,
    foreign key (pool_id, username_key) references users (pool_id, username_key) on delete cascade
);
create index group_members_user_idx on group_members (pool_id, username_key);
