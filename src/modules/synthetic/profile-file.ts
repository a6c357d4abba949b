/**
 * Profile files on disk: the only I/O around the pure simulator's profile loader.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadProfile, type Profile } from './sim/profile.js';

/** The built-in profile names, stored as `seeds/profiles/<name>.json`. */
export const BUILT_IN_PROFILES = ['demo', 'standard', 'full'] as const;
export type BuiltInProfileName = (typeof BUILT_IN_PROFILES)[number];

/** Absolute path of a built-in profile file. */
export function builtInProfilePath(name: BuiltInProfileName): string {
  return fileURLToPath(new URL(`../../../seeds/profiles/${name}.json`, import.meta.url));
}

/**
 * Read, parse, resolve and validate a profile file (UTF-8 JSON).
 * @throws Error naming the file for unreadable or malformed JSON; ProfileError for invalid content.
 */
export function loadProfileFile(path: string): Profile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read profile file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`Profile file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return loadProfile(document);
}

/** Load a built-in profile (`demo`, `standard` or `full`) or, for any other value, a file path. */
export function loadNamedProfile(nameOrPath: string): Profile {
  return (BUILT_IN_PROFILES as readonly string[]).includes(nameOrPath)
    ? loadProfileFile(builtInProfilePath(nameOrPath as BuiltInProfileName))
    : loadProfileFile(nameOrPath);
}
