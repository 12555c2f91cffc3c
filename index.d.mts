// Types of the ESM entry (index.mjs): the same API as index.d.ts, plus the default export.
import * as api from './index.js'

export * from './index.js'
export default api
