// Types of the ESM entry (index.mjs): the same classes as index.d.ts.
export * from './index.js'
