// SQLite through better-sqlite3. The file comes from DATABASE_PATH (default
// ./data/meetings.db); migrations in ./migrations run once each, in order.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

const MIGRATIONS_DIR = path.join(process.cwd(), 'migrations')

export function openDatabase(file = process.env.DATABASE_PATH || path.join(process.cwd(), 'data', 'meetings.db')): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  migrate(db)
  return db
}

export function migrate(db: Database.Database): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)')
  const applied = new Set(db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[])
  const pending = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql') && !applied.has(f))
    .sort()
  for (const name of pending) {
    db.transaction(() => {
      db.exec(fs.readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8'))
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(name, new Date().toISOString())
    })()
  }
  return pending
}

let shared: Database.Database | undefined

/** One connection per server process. */
export function db(): Database.Database {
  shared ??= openDatabase()
  return shared
}
