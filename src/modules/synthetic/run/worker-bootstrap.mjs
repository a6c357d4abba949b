// Worker threads do not inherit the parent's `--import tsx` loader: register tsx here, then load the TypeScript
// entry. Used only when the coordinator itself runs from TypeScript sources (tsx, vitest).
import { register } from 'tsx/esm/api';

register();
await import('./worker-thread.ts');
