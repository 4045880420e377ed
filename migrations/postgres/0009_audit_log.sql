-- The audit log: who changed what, when and from where.
create table audit_log (
    id text primary key,
    at bigint not null,
    actor text not null,
    source text not null,
    action text collate "C" not null,
    target text not null
);
create index audit_log_actor_idx on audit_log (actor, id);
