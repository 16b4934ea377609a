// Start a local Bluesky network for the Parvis test suite and report where it listens.
//
//   node launch.mjs --modules <install dir> [--mode full|pds] [--rate-limits]
//                   [--postgres-url URL] [--redis-host HOST:PORT]
//
// <install dir> is the folder made by scripts/install-peers.sh (it holds node_modules with
// @atproto/dev-env). Run this file with the Node 22 binary of that folder.
//
// mode "full": @atproto/dev-env TestNetwork = PLC + PDS + AppView (bsky) + bsync + Ozone, the
//   AppView on PostgreSQL (schemas appview_/bsync_/ozone_<run schema>) and Redis.
// mode "pds":  TestNetworkNoAppView = PLC + PDS only (in-memory / SQLite); app.bsky.* reads fail.
//
// Contract with tests/peers/bluesky.py:
// * once ready, exactly one stdout line `{"event":"ready", ...}` (JSON) with the URLs;
//   on a start-up failure one line `{"event":"error","message":...}` and exit code 1;
// * every other output goes to stderr;
// * a line "sync" on stdin makes the AppView catch up with the PDS, then prints
//   `{"event":"synced"}` (or `{"event":"sync-error",...}`);
// * SIGTERM, SIGINT or the end of stdin stop the network, drop the run's PostgreSQL schemas,
//   remove the run's temporary folder, then exit 0.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

const { values: options } = parseArgs({
  options: {
    modules: { type: 'string' },
    mode: { type: 'string', default: 'full' },
    'rate-limits': { type: 'boolean', default: false },
    'postgres-url': { type: 'string', default: 'postgresql://postgres@127.0.0.1:5432/test' },
    'redis-host': { type: 'string', default: '127.0.0.1:6379' },
  },
})

const log = (...parts) => console.error('[bluesky-peer]', ...parts)
const emit = (payload) => process.stdout.write(`${JSON.stringify(payload)}\n`)

// The dev-env services call listen(port) without a host, i.e. on every interface. A test peer
// must stay on the loopback interface, so default the host to 127.0.0.1 (every service URL that
// dev-env builds uses "localhost", which resolves to 127.0.0.1 here).
const originalListen = net.Server.prototype.listen
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && 'port' in args[0] && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return originalListen.apply(this, args)
}

const loopbackUrl = (url) => url.replace('://localhost:', '://127.0.0.1:')

function requireFromInstall(modulesDir) {
  return createRequire(path.join(modulesDir, 'package.json'))
}

async function importDevEnv(modulesDir) {
  const pkgDir = path.join(modulesDir, 'node_modules', '@atproto', 'dev-env')
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'))
  const entry = pkg.exports?.['.']?.default ?? pkg.main
  return import(pathToFileURL(path.join(pkgDir, entry)).href)
}

// Schema names carry the host and the launcher's pid so that a later run can drop the schemas
// of a run that was killed before it could clean up (its pid is gone). bsync accepts only
// [A-Za-z_] in schema names, so digits are written as letters (0 -> a, ..., 9 -> j).
const digitsToLetters = (value) => String(value).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)])
const lettersToNumber = (letters) =>
  Number([...letters].map((c) => String('abcdefghij'.indexOf(c))).join(''))
const hostTag =
  digitsToLetters(os.hostname().toLowerCase().replace(/[^a-z0-9]/g, '')).slice(0, 8) || 'host'
const randomLetters = [...randomBytes(6)].map((b) => 'abcdefghijklmnopqrstuvwxyz'[b % 26]).join('')
const runSchema = `parvis_${hostTag}_${digitsToLetters(process.pid)}_${randomLetters}`
const schemaPattern = new RegExp(`^(appview|bsync|ozone)_parvis_${hostTag}_([a-j]+)_[a-z]{6}$`)

const isAlive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return err.code !== 'ESRCH'
  }
}

async function withPostgres(modulesDir, postgresUrl, work) {
  const pg = requireFromInstall(modulesDir)('pg')
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function dropSchemas(client, names) {
  for (const name of names) {
    await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`)
  }
}

async function dropStaleSchemas(modulesDir, postgresUrl) {
  await withPostgres(modulesDir, postgresUrl, async (client) => {
    const { rows } = await client.query(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE '%\\_parvis\\_%'",
    )
    const stale = rows
      .map((row) => row.nspname)
      .filter((name) => {
        const match = schemaPattern.exec(name)
        return match && !isAlive(lettersToNumber(match[2]))
      })
    if (stale.length) {
      log(`dropping ${stale.length} schemas left by dead runs`)
      await dropSchemas(client, stale)
    }
  })
}

// Temporary folders of runs that were killed before they could remove them.
function removeStaleRunDirs() {
  for (const name of readdirSync(os.tmpdir())) {
    const match = /^parvis-bluesky-(\d+)-/.exec(name)
    if (match && !isAlive(Number(match[1]))) {
      rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true })
    }
  }
}

const ownSchemas = () => ['appview', 'bsync', 'ozone'].map((prefix) => `${prefix}_${runSchema}`)

async function main() {
  const modulesDir = options.modules
  if (!modulesDir) throw new Error('--modules <install dir> is required')
  if (!['full', 'pds'].includes(options.mode)) throw new Error(`unknown --mode ${options.mode}`)

  const devEnv = await importDevEnv(modulesDir)
  removeStaleRunDirs()
  // dev-env keeps its cross-process port claims under the system temp folder (read when the
  // module loads, above); the PDS data and blobs go under os.tmpdir() at create() time, so
  // pointing TMPDIR at a private folder now keeps them in one place that we remove at exit.
  const runDir = mkdtempSync(path.join(os.tmpdir(), `parvis-bluesky-${process.pid}-`))
  process.env.TMPDIR = runDir

  // With rate limits on, the PDS sends the RateLimit-* headers of bsky.social; test set-up code
  // skips them with the bypass key (header x-ratelimit-bypass) so only the code under test
  // spends the budget.
  const rateLimitBypassKey = randomBytes(16).toString('hex')
  const pdsConfig = options['rate-limits'] ? { rateLimitsEnabled: true, rateLimitBypassKey } : {}
  const started = Date.now()
  let network
  let cleanupSchemas = false
  const shutdown = async (reason) => {
    log(`stopping (${reason})`)
    try {
      if (network) await network.close()
    } catch (err) {
      log('close failed:', err?.message ?? err)
    }
    if (cleanupSchemas) {
      try {
        await withPostgres(modulesDir, options['postgres-url'], (c) => dropSchemas(c, ownSchemas()))
      } catch (err) {
        log('schema cleanup failed:', err?.message ?? err)
      }
    }
    rmSync(runDir, { recursive: true, force: true })
  }
  let stopping = null
  const stop = (reason) => {
    stopping ??= shutdown(reason).finally(() => process.exit(0))
    return stopping
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  process.stdin.on('error', () => stop('stdin error'))
  // stdin carries commands, one per line; its end means the test process went away.
  const commands = readline.createInterface({ input: process.stdin })
  commands.on('close', () => stop('stdin closed'))
  commands.on('line', (line) => {
    if (line.trim() === 'sync') {
      // Let the AppView index everything the PDS has emitted so far (dev-env processAll).
      const sync = network ? network.processAll() : Promise.resolve()
      sync.then(
        () => emit({ event: 'synced' }),
        (err) => emit({ event: 'sync-error', message: String(err?.message ?? err) }),
      )
    }
  })

  try {
    if (options.mode === 'full') {
      process.env.REDIS_HOST = options['redis-host']
      await dropStaleSchemas(modulesDir, options['postgres-url'])
      cleanupSchemas = true
      network = await devEnv.TestNetwork.create({
        dbPostgresUrl: options['postgres-url'],
        dbPostgresSchema: runSchema,
        pds: pdsConfig,
      })
    } else {
      network = await devEnv.TestNetworkNoAppView.create({ pds: pdsConfig })
    }
  } catch (err) {
    emit({ event: 'error', message: String(err?.stack ?? err) })
    await shutdown('start-up failure')
    process.exit(1)
  }
  if (stopping) return

  emit({
    event: 'ready',
    mode: options.mode,
    pds: loopbackUrl(network.pds.url),
    appview: network.bsky ? loopbackUrl(network.bsky.url) : null,
    appview_did: network.bsky ? network.bsky.ctx.cfg.serverDid : null,
    plc: loopbackUrl(network.plc.url),
    ozone: network.ozone ? loopbackUrl(network.ozone.url) : null,
    pds_did: network.pds.ctx.cfg.service.did,
    admin_password: devEnv.ADMIN_PASSWORD,
    rate_limits: options['rate-limits'],
    rate_limit_bypass_key: options['rate-limits'] ? rateLimitBypassKey : null,
    postgres_schema: options.mode === 'full' ? runSchema : null,
    node: process.version,
    pid: process.pid,
    start_seconds: (Date.now() - started) / 1000,
  })
}

main().catch((err) => {
  emit({ event: 'error', message: String(err?.stack ?? err) })
  process.exit(1)
})
