// An existing provincial portal, in plain Node (node:http), that keeps its data in its own JSON
// files and uses chamdiem for every rule: who may do what, when, the points, the results and the
// ranking. The portal only authenticates its users, stores what chamdiem returns, and shows it.
//
// Storage is the portal's: one JSON file per dossier (the dossier's JSON form), written
// atomically; a write succeeds only if the file is still at the version the command was decided
// on (optimistic concurrency), so two requests can never lose each other's work.

import { createServer } from 'node:http';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// A portal installs the package and imports 'chamdiem'; this example uses the repository's copy.
import { ChamdiemError, CriteriaSet, Dossier, evaluate } from '../../bindings-node/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The portal's own users: it authenticates them; chamdiem only needs `{user, role, unit}`. */
export const USERS = {
  'so.tc': { user: 'so.tc', role: 'unit', unit: 'SO-TC', name: 'Cán bộ Sở Tài chính' },
  'so.xd': { user: 'so.xd', role: 'unit', unit: 'SO-XD', name: 'Cán bộ Sở Xây dựng' },
  'tinh.tt': { user: 'tinh.tt', role: 'reviewer', unit: 'TINH', name: 'Thẩm định viên tỉnh' },
  admin: { user: 'admin', role: 'admin', unit: 'TINH', name: 'Quản trị' },
};

export const UNITS = [
  { id: 'TINH', code: 'TINH', name: 'UBND tỉnh', kind: 'province', parent: null },
  { id: 'SO-TC', code: 'SO-TC', name: 'Sở Tài chính', kind: 'department', parent: 'TINH' },
  { id: 'SO-XD', code: 'SO-XD', name: 'Sở Xây dựng', kind: 'department', parent: 'TINH' },
];

/** HTTP status of each chamdiem error code (as the reference server maps them). */
const STATUS = {
  wrong_state: 409,
  forbidden: 403,
  unknown_criterion: 422,
  unknown_case: 422,
  value_out_of_range: 422,
  guard_failed: 422,
  deadline_passed: 409,
  version_conflict: 409,
  invalid_input: 400,
  invalid_criteria_set: 422,
  not_found: 404,
  already_exists: 409,
  storage: 503,
};

/** The portal's storage: a folder of JSON files. */
class FileStore {
  constructor(dir) {
    this.dir = dir;
    mkdirSync(join(dir, 'dossiers'), { recursive: true });
  }

  file(id) {
    return join(this.dir, 'dossiers', `${encodeURIComponent(id)}.json`);
  }

  has(id) {
    return existsSync(this.file(id));
  }

  load(id) {
    return Dossier.fromJson(readFileSync(this.file(id), 'utf8'));
  }

  ids() {
    return readdirSync(join(this.dir, 'dossiers'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => decodeURIComponent(f.slice(0, -5)))
      .sort();
  }

  /** Writes `dossier` if the stored one is still at `expected` (`null`: not stored yet). */
  save(dossier, expected) {
    const stored = this.has(dossier.id) ? this.load(dossier.id).version : null;
    if (stored !== expected) {
      const e = new Error(`dossier ${dossier.id} changed meanwhile (version ${stored}, expected ${expected})`);
      e.status = 409;
      throw e;
    }
    const tmp = `${this.file(dossier.id)}.${process.pid}.tmp`;
    writeFileSync(tmp, dossier.toJson());
    renameSync(tmp, this.file(dossier.id));
  }
}

/**
 * The portal as a node:http server. `dataDir` holds its files; on first start it opens a
 * dossier per department with the demo criteria set.
 */
export function createPortal({ dataDir, now = () => new Date().toISOString() }) {
  const set = CriteriaSet.fromCompact(readFileSync(join(here, 'criteria-set.toml'), 'utf8'));
  const store = new FileStore(dataDir);
  for (const unit of UNITS.filter((u) => u.kind === 'department')) {
    const id = `2026/${unit.id}`;
    if (!store.has(id)) {
      const spec = { id, period: '2026', unit: unit.id, assessing_unit: 'TINH', self_deadline: '2026-12-31T17:00:00Z' };
      store.save(Dossier.open(spec, set, USERS.admin, now()), null);
    }
  }
  // One request at a time per dossier: load, decide and apply, save.
  const queues = new Map();
  const serialized = (id, work) => {
    const run = (queues.get(id) ?? Promise.resolve()).then(work, work);
    queues.set(id, run.catch(() => {}));
    return run;
  };

  const routes = [
    ['GET', /^\/$/, () => ({ portal: 'node-portal', criteria_set: set.id, users: Object.keys(USERS) })],
    ['GET', /^\/criteria$/, () => ({ groups: set.groups(), criteria: set.criteria() })],
    [
      'GET',
      /^\/dossiers$/,
      (actor) =>
        store
          .ids()
          .map((id) => store.load(id))
          .filter((d) => actor.role !== 'unit' || d.unit === actor.unit)
          .map((d) => ({ id: d.id, unit: d.unit, state: d.state, version: d.version })),
    ],
    [
      'GET',
      /^\/dossiers\/(.+)\/history$/,
      (actor, [id]) => {
        const d = store.load(id);
        return d.view(actor).dossier.history;
      },
    ],
    [
      'GET',
      /^\/dossiers\/(.+)$/,
      (actor, [id]) => {
        const d = store.load(id);
        return {
          view: d.view(actor),
          actions: d.availableActions(set, actor, now()),
          results: d.results(set, { actor }),
        };
      },
    ],
    [
      'POST',
      /^\/dossiers\/(.+)\/commands$/,
      (actor, [id], body) =>
        serialized(id, () => {
          const d = store.load(id);
          const loadedAt = d.version;
          const events = d.execute(set, actor, body, now());
          if (events.length) store.save(d, loadedAt);
          return { version: d.version, state: d.state, events };
        }),
    ],
    [
      'GET',
      /^\/ranking$/,
      () => evaluate([set], UNITS, store.ids().map((id) => store.load(id))).ranking,
    ],
  ];

  return createServer(async (req, res) => {
    const send = (status, value) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(value));
    };
    try {
      const actor = USERS[req.headers['x-user']];
      if (!actor) return send(401, { code: 'unauthenticated', message: 'send X-User: one of the demo users' });
      const path = decodeURIComponent(new URL(req.url, 'http://portal').pathname);
      for (const [method, pattern, handler] of routes) {
        const m = req.method === method && pattern.exec(path);
        if (!m) continue;
        let body;
        if (method === 'POST') {
          const chunks = [];
          for await (const c of req) chunks.push(c);
          // The command goes to chamdiem as text: malformed JSON is its `invalid_input`.
          body = Buffer.concat(chunks).toString('utf8');
        }
        const id = m[1];
        if (id !== undefined && path.startsWith('/dossiers/') && !store.has(id)) {
          return send(404, { code: 'not_found', message: `no dossier ${id}` });
        }
        return send(200, await handler(actor, m.slice(1), body));
      }
      return send(404, { code: 'not_found', message: `no route ${req.method} ${path}` });
    } catch (e) {
      if (e instanceof ChamdiemError) {
        return send(STATUS[e.code] ?? 422, { code: e.code, message: e.message, details: e.details });
      }
      if (e.status) return send(e.status, { code: 'conflict', message: e.message });
      console.error(e);
      return send(500, { code: 'internal', message: 'internal error' });
    }
  });
}
