-- Idempotency keys of create mutations (data-model.md §6.4): the first result per (API token, key). The row is
-- claimed with INSERT … ON CONFLICT DO NOTHING inside the mutation's transaction, so concurrent retries of one
-- key serialise on the primary key and only the first writes.

create table "mutation_idempotency" ("viewer_name" varchar(100) not null, "idempotency_key" varchar(100) not null, "mutation" varchar(64) not null, "request_hash" varchar(64) not null, "resource_type" varchar(64) null, "resource_id" bigint null, "recompute_job_id" bigint null, "created_at" timestamptz not null default now(), constraint "mutation_idempotency_pkey" primary key ("viewer_name", "idempotency_key"));
