import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildAppSchema, printSchemaSdl } from '../../../src/graphql/schema.js';
import { createAppPubSub } from '../../../src/graphql/pubsub.js';

const run = promisify(execFile);

describe('schema.graphql', () => {
  it('is in sync with the code (run `npm run schema:emit` after changing resolvers or types)', async () => {
    const committed = fs.readFileSync('schema.graphql', 'utf8');
    expect(committed).toBe(await printSchemaSdl());
  });

  it('documents every type, field and argument', async () => {
    const schema: GraphQLSchema = await buildAppSchema(createAppPubSub());
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (!type.description) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    // Built-in scalars and the root operation types carry no description of their own.
    const builtIn = new Set(['String', 'Boolean', 'Int', 'Float', 'ID', 'Query', 'Mutation', 'Subscription']);
    expect(missing.filter((name) => !builtIn.has(name))).toEqual([]);
  });

  it('generates a typed client from the committed schema and examples/ that type-checks', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'aquagraph-codegen-'));
    try {
      // The project's codegen.yml, with absolute inputs and outputs redirected to a scratch folder.
      const config = fs
        .readFileSync('codegen.yml', 'utf8')
        .replace('schema: schema.graphql', `schema: ${path.resolve('schema.graphql')}`)
        .replace('documents: examples/**/*.graphql', `documents: ${path.resolve('examples')}/**/*.graphql`)
        .replaceAll('generated/', `${out}/`);
      fs.writeFileSync(path.join(out, 'codegen.yml'), config);
      await run(process.execPath, ['node_modules/@graphql-codegen/cli/cjs/bin.js', '--config', path.join(out, 'codegen.yml')]);
      expect(fs.readFileSync(path.join(out, 'schema.ts'), 'utf8')).toContain('export type Batch = Node &');
      const operations = fs.readFileSync(path.join(out, 'operations.ts'), 'utf8');
      expect(operations).toContain('export type BatchPageQuery');
      expect(operations).toContain('export type InfrastructureTreeQuery');
      const tsc = ['node_modules/typescript/bin/tsc', '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022'];
      await run(process.execPath, [...tsc, '--module', 'NodeNext', path.join(out, 'schema.ts'), path.join(out, 'operations.ts')]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
