// A throwaway PostgreSQL server on loopback for the example's scale test and
// `npm run demo -- --postgres`: Debian's `postgresql` package (installed with
// apt-get when missing), run as the `postgres` user (the server refuses to
// run as root), stopped and removed by `stop()`. Its data directory is under
// the OS temp dir, owned by that user, and every command runs from there: a
// checkout often sits in a directory only its owner may enter (`mktemp -d`,
// Ubuntu's 0750 homes), where the `postgres` user could neither keep its data
// nor stand in the working directory.
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { root, run } from './ensure.mjs'
import { freePort } from './ports.mjs'

const PG_LIB = '/usr/lib/postgresql'

/** The directory holding initdb and pg_ctl, installing Debian's postgresql when there is none. */
function serverBin() {
  const find = () => {
    if (!existsSync(PG_LIB)) return null
    const versions = readdirSync(PG_LIB)
      .filter((v) => existsSync(join(PG_LIB, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a))
    return versions.length ? join(PG_LIB, versions[0], 'bin') : null
  }
  if (find()) return find()
  const install = ['apt-get', 'install', '-y', '--no-install-recommends', 'postgresql']
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (isRoot()) run(install[0], install.slice(1), root, env)
  else run('sudo', install, root, env)
  const bin = find()
  if (!bin) throw new Error('apt-get installed postgresql, but no initdb was found under /usr/lib/postgresql')
  return bin
}

const isRoot = () => process.getuid?.() === 0

/** A server command, run as the `postgres` user when we are root (the server refuses root). */
function asPostgres(command, args) {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]
}

function runAsPostgres(command, args, cwd) {
  const [file, argv] = asPostgres(command, args)
  return execFileSync(file, argv, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Starts PostgreSQL; resolves to { url, port, startMs, stop, restart }. */
export async function startPostgres({ database = 'meetings' } = {}) {
  const started = Date.now()
  const bin = serverBin()
  const dir = mkdtempSync(join(tmpdir(), 'stream-video-native-pg-'))
  chmodSync(dir, 0o700)
  if (isRoot()) execFileSync('chown', ['-R', 'postgres:postgres', dir])
  const data = join(dir, 'data')
  const asServer = (command, args) => runAsPostgres(join(bin, command), args, dir)
  asServer('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const port = await freePort()
  // Commits are synchronous (the default): with synchronous_commit=off, a
  // crash (`restart()`) loses commits the app already acknowledged. fsync and
  // full-page writes are off: they guard against an OS crash, which this
  // throwaway server does not outlive anyway.
  const options = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`
  asServer('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start'])
  asServer('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database])
  const stop = async () => {
    spawnSync(...asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']), { cwd: dir, stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
  }
  /**
   * A crash and a restart: `-m immediate` (no clean shutdown; recovery on
   * start), down for `downMs` (a failover's outage). Resolves to the
   * milliseconds until it accepted connections again. Async, so the tests'
   * own servers (the emulator) run on meanwhile.
   */
  const restart = async ({ downMs = 0 } = {}) => {
    const begun = Date.now()
    const ctl = (args) => promisify(execFile)(...asPostgres(join(bin, 'pg_ctl'), ['-D', data, ...args]), { cwd: dir })
    await ctl(['-m', 'immediate', '-w', 'stop'])
    await new Promise((resolve) => setTimeout(resolve, downMs))
    await ctl(['-l', join(dir, 'server.log'), '-o', options, '-w', 'start'])
    return Date.now() - begun
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, port, startMs: Date.now() - started, stop, restart }
}
