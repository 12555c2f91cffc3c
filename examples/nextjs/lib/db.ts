// The app's database, behind one small async interface so the same queries
// run on either store:
//   - SQLite (better-sqlite3) by default: one process, one file at
//     DATABASE_PATH (default ./data/meetings.db). For one instance.
//   - PostgreSQL (pg) when DATABASE_URL=postgres://…: shared by any number
//     of app instances. Each instance keeps a pool of DATABASE_POOL_MAX
//     connections (default 10): instances × pool ≤ the server's
//     max_connections minus what admin tools need.
// On PostgreSQL the pool outlives the server: when it restarts or fails over,
// the connections it cut are dropped (an idle one's error is logged, not
// thrown), and an idempotent transaction that meets a connection error is
// run again, on a new connection, for up to TRANSIENT_RETRY_MS. A row lock
// is waited for at most LOCK_TIMEOUT_MS. Both stay below Stream's 6 s
// per-attempt webhook timeout, so a webhook is answered (5xx when not
// stored) before Stream gives up on the attempt.
// Queries use `?` placeholders (turned into $1, $2… for PostgreSQL) and quoted
// camelCase aliases. Migrations in ./migrations run once each, in order, at
// start, recorded in schema_migrations; on PostgreSQL under an advisory lock,
// so instances starting together do not race.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'

const MIGRATIONS_DIR = path.join(process.cwd(), 'migrations')
/** Any number: the advisory lock key the instances agree on for migrating. */
const MIGRATION_LOCK = 4_216_001

export interface Queryable {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>
  get<T>(sql: string, params?: unknown[]): Promise<T | undefined>
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: unknown[]): Promise<number>
}

export interface TransactionOptions {
  /**
   * `fn` may run again after a connection error (even one during COMMIT,
   * whose outcome is then unknown): set it only when running it twice does
   * what running it once does (as with a webhook id recorded in the same
   * transaction).
   */
  idempotent?: boolean
}

export interface Db extends Queryable {
  readonly kind: 'sqlite' | 'postgres'
  /** Runs `fn` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>
  /** Locks a row until the transaction ends (SQLite transactions are serial already). */
  lockSql(table: string): string
}

function sqlite(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  const q: Queryable = {
    all: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).all(...params) as T[],
    get: async <T>(sql: string, params: unknown[] = []) => db.prepare(sql).get(...params) as T | undefined,
    run: async (sql: string, params: unknown[] = []) => db.prepare(sql).run(...params).changes,
  }
  // One connection, so one thing at a time: a statement outside a transaction
  // must not land inside another request's BEGIN … COMMIT (and be rolled back with it).
  let queue: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work)
    queue = result.catch(() => undefined)
    return result
  }
  const transaction = <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> =>
    exclusive(async () => {
      db.exec('BEGIN IMMEDIATE')
      try {
        const value = await fn(q)
        db.exec('COMMIT')
        return value
      } catch (e) {
        db.exec('ROLLBACK')
        throw e
      }
    })
  return {
    kind: 'sqlite',
    all: (sql, params) => exclusive(() => q.all(sql, params)),
    get: (sql, params) => exclusive(() => q.get(sql, params)),
    run: (sql, params) => exclusive(() => q.run(sql, params)),
    transaction,
    lockSql: (table) => `SELECT id FROM ${table} WHERE id = ?`,
  }
}

/** `?` placeholders → `$1, $2, …` (our queries have no `?` inside literals). */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

const TRANSIENT_RETRY_MS = 4000
const LOCK_TIMEOUT_MS = 4000

/**
 * A failure of the connection rather than of the statement: the server went
 * away, restarted or is starting (SQLSTATE classes 08 and 57P0x), or the
 * socket broke. Worth trying again on a new connection.
 */
export function isTransient(e: unknown): boolean {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code === 'string' && (code.startsWith('08') || /^57P0[1-3]$/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))) {
    return true
  }
  return (
    typeof message === 'string' && /^Connection terminated|^timeout exceeded when trying to connect|Client has encountered a connection error/.test(message)
  )
}

function postgres(url: string): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.DATABASE_POOL_MAX ?? 10),
    connectionTimeoutMillis: 2000,
  })
  // An idle connection the server cut (a restart, a failover) is dropped by
  // the pool, which then emits 'error': unheard, that would end the process.
  pool.on('error', (e) => console.error(`database: an idle connection failed (${(e as { code?: string }).code ?? e.message}); the pool drops it`))
  const over = (client: pg.Pool | pg.PoolClient): Queryable => ({
    all: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows as T[],
    get: async <T>(sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rows[0] as T | undefined,
    run: async (sql: string, params: unknown[] = []) => (await client.query(numbered(sql), params)).rowCount ?? 0,
  })
  const once = async <T>(fn: (tx: Queryable) => Promise<T>): Promise<T> => {
    const client = await pool.connect()
    let broken = false
    // A checked-out connection's errors are ours to hear (the pool only hears idle ones'): unheard, the server going away is an uncaught exception.
    const onError = () => {
      broken = true
    }
    client.on('error', onError)
    try {
      await client.query('BEGIN')
      await client.query(`SET LOCAL lock_timeout = ${LOCK_TIMEOUT_MS}`)
      const value = await fn(over(client))
      await client.query('COMMIT')
      return value
    } catch (e) {
      broken = isTransient(e)
      if (!broken) await client.query('ROLLBACK').catch(() => undefined)
      throw e
    } finally {
      client.off('error', onError)
      // A connection that failed is not given back to the pool for the next request.
      client.release(broken)
    }
  }
  const transaction = async <T>(fn: (tx: Queryable) => Promise<T>, { idempotent = false }: TransactionOptions = {}): Promise<T> => {
    const deadline = Date.now() + TRANSIENT_RETRY_MS
    for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
      try {
        return await once(fn)
      } catch (e) {
        if (!idempotent || !isTransient(e) || Date.now() + pause > deadline) throw e
        await new Promise((resolve) => setTimeout(resolve, pause))
      }
    }
  }
  return { kind: 'postgres', ...over(pool), transaction, lockSql: (table) => `SELECT id FROM ${table} WHERE id = ? FOR UPDATE` }
}

async function migrate(store: Db): Promise<string[]> {
  return store.transaction(
    async (tx) => {
      if (store.kind === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK])
      await tx.run('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)')
      const applied = new Set((await tx.all<{ name: string }>('SELECT name FROM schema_migrations')).map((r) => r.name))
      const pending = fs
        .readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith('.sql') && !applied.has(f))
        .sort()
      for (const name of pending) {
        // One statement at a time: the pg driver's extended protocol takes one per query.
        const source = fs.readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8')
        for (const statement of source
          .split(/;\s*$/m)
          .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
          .filter(Boolean)) {
          await tx.run(statement)
        }
        await tx.run('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)', [name, new Date().toISOString()])
      }
      return pending
    },
    { idempotent: true },
  )
}

let shared: Promise<Db> | undefined

/** The store for this process (created, and migrated, on first use). */
export function db(): Promise<Db> {
  shared ??= (async () => {
    const url = process.env.DATABASE_URL
    const store = url && /^postgres(ql)?:\/\//.test(url) ? postgres(url) : sqlite(process.env.DATABASE_PATH || path.join(process.cwd(), 'data', 'meetings.db'))
    await migrate(store)
    return store
  })()
  shared.catch(() => (shared = undefined)) // a database that was down is tried again on the next request
  return shared
}
