// Self-scoring in the browser with the chamdiem WebAssembly package: load a criteria set, pick
// a case (or enter a value) per criterion, and see the points, the group totals and the
// classification at once — computed by the same core as the server. The dossier is kept in this
// browser (localStorage) and can be saved to and opened from a JSON file.
//
// No framework, no bundler: open it through any static file server at the repository root,
// e.g. `node examples/browser/serve.mjs`, then http://127.0.0.1:8080/examples/browser/

const PACKAGE = '../../bindings-wasm/dist/index.js';
const STORE = 'chamdiem.example.';

const $ = (id) => document.getElementById(id);
const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
};

let chamdiem;
try {
  chamdiem = await import(PACKAGE);
} catch (e) {
  status(`Không tải được thư viện chấm điểm (${PACKAGE}): ${e.message}`, true);
  throw e;
}
const { CriteriaSet, Dossier, ChamdiemError } = chamdiem;

// The page acts for one officer of the assessed unit; an administrator of the province opens
// the dossier. A host would take both from its login.
const UNIT = { id: 'DON-VI', name: 'Đơn vị tự chấm' };
const unitActor = { user: 'can-bo', role: 'unit', unit: UNIT.id };
const admin = { user: 'quan-tri', role: 'admin', unit: 'TINH' };
const now = () => new Date().toISOString();

/** What the page shows: the set, the dossier and the last results. */
const state = { set: null, dossier: null, results: null, editable: false };

// ------------------------------------------------------------------------------------------------
// Loading

async function loadSetFromUrl(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  useSet(await response.text());
}

function useSet(text) {
  const set = CriteriaSet.parse(text);
  localStorage.setItem(`${STORE}set`, text);
  state.set = set;
  const saved = localStorage.getItem(dossierKey());
  let dossier = null;
  if (saved) {
    try {
      dossier = Dossier.fromJson(saved);
    } catch {
      dossier = null;
    }
  }
  useDossier(dossier ?? openDossier());
  status(saved && dossier ? 'Đã khôi phục hồ sơ đang chấm dở trong trình duyệt này.' : 'Sẵn sàng.');
}

const dossierKey = () => `${STORE}dossier:${state.set.id}@${state.set.revision}`;

function openDossier() {
  const period = String(new Date().getFullYear());
  return Dossier.open(
    { id: `${period}/${UNIT.id}`, period, unit: UNIT.id, assessing_unit: admin.unit },
    state.set,
    admin,
    now(),
  );
}

function useDossier(dossier) {
  const ref = dossier.criteriaSet;
  if (ref.id !== state.set.id || ref.revision !== state.set.revision) {
    throw new Error(
      `hồ sơ này chấm theo bộ chỉ tiêu "${ref.id}" (lần ${ref.revision}), ` +
        `không phải "${state.set.id}" (lần ${state.set.revision}); hãy mở bộ chỉ tiêu đó trước`,
    );
  }
  state.dossier = dossier;
  state.editable = dossier
    .availableActions(state.set, unitActor, now())
    .some((a) => a.command === 'save_self' && a.allowed);
  render();
  persist();
}

const persist = () => localStorage.setItem(dossierKey(), state.dossier.toJson());

// ------------------------------------------------------------------------------------------------
// Drawing

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

const points = (p) => `${p} đ`;
const notApplicable = (label) => (/không áp dụng/i.test(label) ? label : `${label} (không áp dụng)`);

function render() {
  const { set, dossier } = state;
  $('set-name').textContent = set.name;
  $('dossier-line').textContent =
    `Hồ sơ ${dossier.id} — ${STATE_LABELS[dossier.state] ?? dossier.state}` +
    (state.editable ? '' : ' (chỉ xem: hồ sơ không còn ở bước tự chấm)');
  const body = $('criteria').tBodies[0];
  body.replaceChildren();
  const criteria = new Map(set.criteria().map((c) => [c.code, c]));
  for (const g of set.groups()) {
    body.append(groupRow(g));
    for (const code of g.criteria) body.append(criterionRow(criteria.get(code), dossier.entry(code)));
  }
  for (const id of ['summary', 'criteria']) $(id).hidden = false;
  for (const id of ['new-dossier', 'dossier-file', 'save-dossier', 'precheck']) $(id).disabled = false;
  $('precheck-result').hidden = true;
  refresh();
}

const STATE_LABELS = {
  self_assessment: 'Cấp Sở tự chấm',
  self_assessed: 'Cấp Sở chấm xong',
  explanation_requested: 'Tỉnh yêu cầu giải trình',
  reviewed: 'Tỉnh chấm xong',
  completed: 'Hoàn thành HS (lưu trữ)',
};

function groupRow(g) {
  const note = g.kind === 'bonus' ? ` (điểm thưởng, tối đa +${g.cap})` : g.kind === 'penalty' ? ` (điểm trừ, tối đa −${g.cap})` : '';
  return el(
    'tr',
    { className: 'group', dataset: { group: g.code, depth: String(g.depth) } },
    el('th', { colSpan: 3 }, `${g.code}. ${g.title}${note}`),
    el('th', { className: 'total', colSpan: 2 }, el('output', { dataset: { groupTotal: g.code } })),
  );
}

function criterionRow(c, entry) {
  const kind = c.kind ?? 'choice';
  let input;
  if (kind === 'choice') {
    input = el(
      'select',
      { dataset: { criterion: c.code }, disabled: !state.editable, 'aria-label': `Trường hợp đánh giá ${c.code}` },
      el('option', { value: '' }, '— chọn —'),
      ...c.cases.map((k) =>
        el('option', { value: k.code }, k.not_applicable ? notApplicable(k.label) : `${k.label} — ${points(k.points)}`),
      ),
    );
    input.value = entry?.self?.case ?? '';
    input.addEventListener('change', () => save(c.code, input.value ? { case: input.value } : { clear: true }));
  } else {
    const unit = c.value?.unit ? ` ${c.value.unit}` : '';
    input = el('input', {
      type: 'text',
      inputMode: 'decimal',
      dataset: { criterion: c.code },
      disabled: !state.editable,
      placeholder: `giá trị${unit}`,
      'aria-label': `Giá trị ${c.code}`,
    });
    input.value = entry?.self?.value ?? '';
    input.addEventListener('change', () => {
      const v = input.value.trim().replace(',', '.');
      save(c.code, v ? { value: v } : { clear: true });
    });
  }
  const opinion = el('textarea', { rows: 1, disabled: !state.editable, 'aria-label': `Ý kiến ${c.code}` });
  opinion.value = entry?.self_opinion ?? '';
  opinion.addEventListener('change', () => save(c.code, { opinion: opinion.value }));
  return el(
    'tr',
    { className: 'criterion', dataset: { row: c.code } },
    el('td', { className: 'code' }, c.code),
    el(
      'td',
      {},
      c.title,
      c.evidence === 'required' ? el('div', { className: 'badge' }, 'Cần tài liệu kiểm chứng') : null,
      c.guidance ? el('div', { className: 'guidance' }, c.guidance) : null,
    ),
    el('td', {}, input, el('div', { className: 'message', dataset: { message: c.code } })),
    el('td', { className: 'points' }, el('output', { dataset: { points: c.code } })),
    el('td', {}, opinion),
  );
}

/** Saves one criterion's change (as the "Lưu" of a group would) and redraws the totals. */
function save(code, change) {
  const message = document.querySelector(`[data-message="${CSS.escape(code)}"]`);
  message.textContent = '';
  try {
    state.dossier.execute(
      state.set,
      unitActor,
      { type: 'save_self', base_version: state.dossier.version, entries: [{ criterion: code, ...change }] },
      now(),
    );
    persist();
    refresh();
  } catch (e) {
    if (!(e instanceof ChamdiemError)) throw e;
    message.textContent = e.message;
  }
}

/** Redraws every number from the core's results. */
function refresh() {
  const r = state.dossier.results(state.set);
  state.results = r;
  const self = r.total.self;
  $('total-points').value = self.points;
  $('total-max').value = self.max;
  $('total-percent').value = self.percent === null ? '—' : `${self.percent}%`;
  $('classification').value = r.classification.self ?? '—';
  $('unscored').value = r.unscored.self.length ? `${r.unscored.self.length} chỉ tiêu` : 'không còn';
  for (const g of r.groups) {
    const out = document.querySelector(`[data-group-total="${CSS.escape(g.code)}"]`);
    const t = g.self;
    out.value =
      g.kind === 'standard'
        ? `${t.points} / ${t.max}${t.percent === null ? '' : ` (${t.percent}%)`}`
        : `${g.kind === 'bonus' ? '+' : ''}${t.points}`;
  }
  for (const c of r.criteria) {
    const out = document.querySelector(`[data-points="${CSS.escape(c.code)}"]`);
    out.value = c.self === null ? '' : c.self.not_applicable ? 'KAD' : points(c.self.points);
    out.title = c.self?.case ? `trường hợp ${c.self.case}` : '';
  }
  document.body.dataset.version = String(state.dossier.version);
}

function showPrecheck() {
  const { blockers, warnings } = state.dossier.precheck(state.set);
  const box = $('precheck-result');
  box.replaceChildren(
    el('p', {}, blockers.length ? `Chưa nộp được: ${blockers.length} việc còn thiếu.` : 'Đủ điều kiện nộp.'),
    el('ul', {}, ...blockers.map((b) => el('li', { className: 'error' }, b.message))),
    el('ul', {}, ...warnings.map((w) => el('li', {}, w.message))),
  );
  box.hidden = false;
}

function download() {
  const text = `${JSON.stringify(state.dossier.toObject(), null, 2)}\n`;
  const a = el('a', {
    href: URL.createObjectURL(new Blob([text], { type: 'application/json' })),
    download: `ho-so-${state.dossier.id.replace(/[^\p{L}\p{N}.-]+/gu, '-')}.json`,
  });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

// ------------------------------------------------------------------------------------------------
// Wiring

const guarded = (f) => async (...args) => {
  try {
    await f(...args);
  } catch (e) {
    status(`Lỗi: ${e.message}`, true);
  }
};

$('sample').addEventListener('change', guarded(async (e) => e.target.value && loadSetFromUrl(e.target.value)));
$('set-file').addEventListener('change', guarded(async (e) => {
  const file = e.target.files[0];
  if (file) useSet(await file.text());
  e.target.value = '';
}));
$('dossier-file').addEventListener('change', guarded(async (e) => {
  const file = e.target.files[0];
  e.target.value = '';
  if (file) {
    useDossier(Dossier.fromJson(await file.text()));
    status(`Đã mở hồ sơ từ tệp ${file.name}.`);
  }
}));
$('new-dossier').addEventListener('click', guarded(() => {
  if (confirm('Bắt đầu hồ sơ mới? Hồ sơ đang chấm trong trình duyệt sẽ bị thay thế.')) {
    useDossier(openDossier());
    status('Đã mở hồ sơ mới.');
  }
}));
$('save-dossier').addEventListener('click', guarded(download));
$('precheck').addEventListener('click', guarded(showPrecheck));

await guarded(async () => {
  const wanted = new URLSearchParams(location.search).get('set');
  const stored = localStorage.getItem(`${STORE}set`);
  if (wanted) await loadSetFromUrl(new URL(wanted, location.href));
  else if (stored) useSet(stored);
  else status('Chọn một bộ chỉ tiêu mẫu hoặc mở tệp bộ chỉ tiêu.');
})();
document.body.dataset.ready = 'true';
