-- Default reference data (data-model.md §2.3) so a fresh database is usable: Atlantic salmon and its six
-- lifecycle stages (TGC per 1000 °C·day, daily mortality in %). Idempotent on the unique keys.

insert into species (name, scientific_name)
values ('Atlantic Salmon', 'Salmo salar')
on conflict (name) do nothing;

insert into lifecycle_stage
  (species_id, code, name, "order", min_weight_g, max_weight_g, default_tgc, default_daily_mortality_pct,
   typical_duration_days, environment)
select s.id, v.code, v.name, v.ord, v.min_w, v.max_w, v.tgc, v.mort, v.days, v.env
from species s
cross join (values
  ('EGG_ALEVIN', 'Egg & Alevin', 1, 0.05, 0.5, 0, 0.15, 90, 'FRESHWATER'),
  ('FRY', 'Fry', 2, 0.5, 6, 2.25, 0.05, 90, 'FRESHWATER'),
  ('PARR', 'Parr', 3, 6, 60, 2.75, 0.03, 90, 'FRESHWATER'),
  ('SMOLT', 'Smolt', 4, 60, 180, 2.75, 0.02, 90, 'FRESHWATER'),
  ('POST_SMOLT', 'Post-Smolt', 5, 180, 500, 3.25, 0.015, 90, 'FRESHWATER'),
  ('ADULT', 'Adult', 6, 500, 7000, 3.1, 0.01, 450, 'SEA')
) as v(code, name, ord, min_w, max_w, tgc, mort, days, env)
where s.name = 'Atlantic Salmon'
on conflict (species_id, code) do nothing;
