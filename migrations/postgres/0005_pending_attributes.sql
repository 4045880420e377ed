-- New attribute values waiting for verification (UserAttributeUpdateSettings).
alter table users add column pending_attributes text not null default '{}';
