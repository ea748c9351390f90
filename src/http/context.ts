// Route handlers are given the application context (src/context.ts); they reach services only
// through it.
export type { AppContext } from '../context.ts';
