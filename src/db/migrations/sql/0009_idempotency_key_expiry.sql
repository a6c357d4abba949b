-- The nightly idempotency_key_expiry job deletes keys older than IDEMPOTENCY_KEY_TTL_DAYS; it finds them by age.

create index "mutation_idempotency_created_at_index" on "mutation_idempotency" ("created_at");
