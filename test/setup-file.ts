import 'reflect-metadata';
import '../src/db/pg-types.js';
