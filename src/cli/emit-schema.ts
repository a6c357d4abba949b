import 'reflect-metadata';
import fs from 'node:fs';
import { printSchemaSdl } from '../graphql/schema.js';

/** Writes `schema.graphql` from the resolver classes (`npm run schema:emit`); a test fails when it drifts. */
const target = new URL('../../schema.graphql', import.meta.url);
fs.writeFileSync(target, await printSchemaSdl());
process.stdout.write(`wrote ${target.pathname}\n`);
