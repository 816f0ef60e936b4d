// The benchmark's data, made deterministically with the package's public API: a criteria set of
// 300 criteria with one dossier scored by the unit and the reviewer, and a period of 2,000
// dossiers on the realistic ISO set (tests/vectors/sets/iso-so-2026.json), each scored and
// reviewed. Written as JSON files, read by the native benchmark and by the WebAssembly runs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const admin = { user: 'admin', role: 'admin', unit: 'TINH' };
const reviewer = { user: 'tinh.tt', role: 'reviewer', unit: 'TINH' };
const at = (day) => `2026-03-${String(day).padStart(2, '0')}T08:00:00Z`;

/** A pseudo-random sequence (xorshift), the same on every machine. */
function random(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** A criteria set of `n` criteria (n = 300: 290 in nested standard groups, 5 bonus, 5 penalty). */
export function bigSetDocument(n = 300) {
  const standard = n - 10;
  const perLeaf = 29;
  const groups = [];
  let made = 0;
  for (let g = 1; made < standard; g++) {
    const sub = [];
    for (let s = 1; s <= 2 && made < standard; s++) {
      const code = `${g}.${s}`;
      const criteria = [];
      for (let c = 1; c <= perLeaf && made < standard; c++, made++) {
        criteria.push(criterion(`${code}.${c}`, made));
      }
      sub.push({ code, title: `Nhóm ${code}`, criteria });
    }
    groups.push({ code: String(g), title: `Nhóm ${g}`, groups: sub });
  }
  const extra = (kind, code, points) => ({
    code,
    title: kind === 'bonus' ? 'Điểm thưởng' : 'Điểm trừ',
    kind,
    cap: '2',
    criteria: Array.from({ length: 5 }, (_, i) => ({
      code: `${code}.${i + 1}`,
      title: `Chỉ tiêu ${code}.${i + 1}`,
      evidence: 'none',
      cases: [
        { code: 'a', label: 'Không', points: '0' },
        { code: 'b', label: 'Có', points },
      ],
    })),
  });
  groups.push(extra('bonus', 'T', '0.5'), extra('penalty', 'X', '-0.5'));
  return {
    format: 'chamdiem.criteria_set',
    format_version: 1,
    id: `bench-${n}`,
    revision: 1,
    name: `Bộ chỉ tiêu ${n} chỉ tiêu (đo hiệu năng)`,
    precision: 2,
    bands: [
      { label: 'Xuất sắc', min_percent: '90' },
      { label: 'Tốt', min_percent: '80' },
      { label: 'Khá', min_percent: '65' },
      { label: 'Trung bình', min_percent: '50' },
      { label: 'Yếu', min_percent: '0' },
    ],
    groups,
  };
}

function criterion(code, i) {
  const base = { code, title: `Chỉ tiêu ${code}`, evidence: i % 4 === 0 ? 'required' : 'optional' };
  if (i % 10 === 3) {
    return {
      ...base,
      kind: 'banded',
      value: { unit: '%', min: '0', max: '100' },
      cases: [
        { code: 'a', label: 'Từ 90%', points: '2', range: '[90, 100]' },
        { code: 'b', label: 'Từ 70% đến dưới 90%', points: '1', range: '[70, 90)' },
        { code: 'c', label: 'Dưới 70%', points: '0', range: '[0, 70)' },
      ],
    };
  }
  if (i % 10 === 7) {
    return { ...base, kind: 'scaled', max_points: '3', value: { min: '0', max: '100' }, scale: { low: '0', high: '100' } };
  }
  return {
    ...base,
    cases: [
      { code: 'a', label: 'Đạt', points: '2' },
      { code: 'b', label: 'Đạt một phần', points: '1.25' },
      { code: 'c', label: 'Không đạt', points: '0' },
      ...(i % 9 === 0 ? [{ code: 'kad', label: 'Không áp dụng', not_applicable: true }] : []),
    ],
  };
}

/** The self or review inputs of every criterion of `set`, varied by `pick`. */
function inputs(set, pick, extra = {}) {
  return set.criteria().map((c) => {
    const kind = c.kind ?? 'choice';
    if (kind === 'choice') return { criterion: c.code, case: c.cases[pick(c.cases.length)].code, ...extra };
    return { criterion: c.code, value: String(pick(101)), ...extra };
  });
}

/** A dossier of `unit`, self-assessed, submitted, reviewed and finished. */
export function scoredDossier(api, set, unit, seed) {
  const pick = random(seed);
  const officer = { user: `${unit}.officer`, role: 'unit', unit };
  const d = api.Dossier.open(
    { id: `2026/${unit}`, period: '2026', unit, assessing_unit: 'TINH' },
    set,
    admin,
    at(1),
  );
  d.execute(set, officer, { type: 'save_self', entries: inputs(set, pick, { opinion: 'Đã thực hiện' }) }, at(2));
  // Required evidence, so the unit can submit.
  for (const c of set.criteria().filter((x) => x.evidence === 'required')) {
    const evidence = { id: `ev-${c.code}`, file_name: `${c.code}.pdf`, size: 1024, media_type: 'application/pdf', sha256: '0'.repeat(64) };
    d.execute(set, officer, { type: 'attach_evidence', criterion: c.code, evidence }, at(2));
  }
  d.execute(set, officer, { type: 'submit' }, at(3));
  d.execute(set, reviewer, { type: 'save_review', entries: inputs(set, pick) }, at(4));
  d.execute(set, reviewer, { type: 'finish_review' }, at(5));
  return d;
}

/** Writes the benchmark's files into `dir`; returns their paths. */
export function writeData(api, dir, { dossiers = 2000, criteria = 300 } = {}) {
  mkdirSync(dir, { recursive: true });
  const bigDoc = bigSetDocument(criteria);
  const big = api.CriteriaSet.fromObject(bigDoc);
  const one = scoredDossier(api, big, 'SO-BENCH', 7);
  const iso = api.CriteriaSet.fromJson(
    readFileSync(new URL('../../tests/vectors/sets/iso-so-2026.json', import.meta.url), 'utf8'),
  );
  const units = [];
  const docs = [];
  for (let i = 0; i < dossiers; i++) {
    const code = `DV-${String(i + 1).padStart(4, '0')}`;
    units.push({ id: code, code, name: `Đơn vị ${i + 1}`, kind: 'department', parent: 'TINH' });
    docs.push(scoredDossier(api, iso, code, 1000 + i).toObject());
  }
  const files = { set: join(dir, 'set-300.json'), dossier: join(dir, 'dossier-300.json'), period: join(dir, 'period-2000.json') };
  writeFileSync(files.set, big.toJson());
  writeFileSync(files.dossier, one.toJson());
  writeFileSync(files.period, JSON.stringify({ sets: [iso.toObject()], units, dossiers: docs }));
  return files;
}
