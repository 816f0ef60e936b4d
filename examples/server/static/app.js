// chamdiem reference server: the pages' script. Every page works without it (plain forms);
// it only adds: menus that close each other, a group drop-down that opens its group at once,
// the upload dialog ("Tải tài liệu") with a progress bar per file, and the live totals —
// computed in the browser by the chamdiem WebAssembly package, with exactly the core's
// arithmetic — while cases are chosen, before "Lưu".

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...children);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Menus: one open at a time; Escape closes.

const menus = $$('details.sub, details.account');
for (const d of menus) {
  d.addEventListener('toggle', () => {
    if (d.open) for (const o of menus) if (o !== d) o.open = false;
  });
}
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape') return;
  for (const d of menus) {
    if (d.open) {
      d.open = false;
      $('summary', d)?.focus();
    }
  }
});
document.addEventListener('click', (e) => {
  for (const d of menus) if (d.open && !d.contains(e.target)) d.open = false;
});

// A drop-down that chooses what the page shows (group, period) shows it at once.
for (const s of $$('select[data-autosubmit]')) {
  s.addEventListener('change', () => s.form.requestSubmit());
}

for (const b of $$('[data-print]')) {
  b.hidden = false;
  b.addEventListener('click', () => window.print());
}

// ---------------------------------------------------------------------------------------------
// Upload dialog: "Tải tài liệu" → "Thêm File" (several at once) → "Tải lên", each file sent on
// its own so each has its own progress bar and its own answer.

const dialog = $('#upload-dialog');
if (dialog && typeof dialog.showModal === 'function') setUpUploads(dialog);

function setUpUploads(dialog) {
  const limit = Number(dialog.dataset.limit);
  const input = $('#upload-input', dialog);
  const list = $('#upload-list', dialog);
  const start = $('#upload-start', dialog);
  const close = $('#upload-close', dialog);
  const msg = dialog.dataset;
  let target = null;
  let queue = [];
  let busy = false;

  for (const d of $$('details.upload')) d.hidden = true;
  for (const b of $$('[data-open-upload]')) {
    b.hidden = false;
    b.addEventListener('click', () => open(b));
  }

  function open(button) {
    target = {
      action: button.dataset.action,
      code: button.dataset.openUpload,
      button,
    };
    $('#upload-for', dialog).textContent = button.dataset.title;
    queue = [];
    list.replaceChildren();
    input.value = '';
    start.disabled = true;
    dialog.showModal();
  }

  input.addEventListener('change', () => {
    for (const file of input.files) add(file);
    input.value = '';
    start.disabled = busy || !queue.some((q) => q.state === 'ready');
  });

  function add(file) {
    const bar = el('progress', { max: '100', value: '0' });
    const status = el('span', { class: 'status', text: msg.msgWaiting });
    const li = el('li', {}, el('span', { class: 'name', text: file.name }), bar, status);
    const item = { file, li, bar, status, state: 'ready' };
    bar.setAttribute('aria-label', file.name);
    if (file.size > limit) {
      item.state = 'refused';
      status.textContent = msg.msgTooLarge.replace('{file}', file.name);
      li.classList.add('error');
      bar.hidden = true;
    }
    queue.push(item);
    list.append(li);
  }

  start.addEventListener('click', async () => {
    busy = true;
    start.disabled = true;
    for (const item of queue.filter((q) => q.state === 'ready')) {
      item.state = 'sending';
      await send(item);
    }
    busy = false;
  });

  close.addEventListener('click', () => dialog.close());

  function send(item) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', target.action);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) item.bar.value = Math.floor((e.loaded * 100) / e.total);
      });
      const fail = (text) => {
        item.state = 'failed';
        item.status.textContent = text || msg.msgFailed;
        item.li.classList.add('error');
        resolve();
      };
      xhr.addEventListener('load', () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = null;
        }
        if (xhr.status === 201 && body) {
          item.state = 'done';
          item.bar.value = 100;
          item.status.textContent = msg.msgDone;
          item.li.classList.add('done');
          for (const f of body.files) showOnPage(target.code, f);
          resolve();
        } else {
          fail(body && body.message);
        }
      });
      xhr.addEventListener('error', () => fail());
      xhr.addEventListener('abort', () => fail());
      const form = new FormData();
      form.append('file', item.file, item.file.name);
      xhr.send(form);
    });
  }

  // The new file in the criterion's list, with its "Xóa" (a form of its own, as the server's).
  function showOnPage(code, f) {
    const files = $$('ul.files').find((u) => u.dataset.files === code);
    if (!files) return;
    const formId = `del-${f.id}`;
    const form = el(
      'form',
      { id: formId, method: 'post', action: `/dossiers/${msg.dossier}/evidence/${f.id}/delete`, class: 'hidden-form' },
      el('input', { type: 'hidden', name: 'csrf', value: msg.csrf }),
      el('input', { type: 'hidden', name: 'back', value: msg.back }),
    );
    document.body.append(form);
    const del = el('button', { type: 'submit', form: formId, class: 'link danger', text: msg.msgDelete });
    files.append(
      el('li', {}, el('a', { href: f.url, text: f.file_name }), ' ', del),
    );
    files.parentElement.querySelector('.no-files')?.remove();
  }
}

// ---------------------------------------------------------------------------------------------
// Live totals: the case drop-downs and values of the form, applied to a copy of the dossier by
// the chamdiem package; the points of each criterion, the group's and the dossier's totals and
// the classification follow at once. Nothing is saved until "Lưu".

const live = $('#live');
if (live) liveTotals(live).catch((e) => console.warn('live totals unavailable:', e));

async function liveTotals(live) {
  let lib;
  try {
    lib = await import('/static/chamdiem/index.js');
  } catch (e) {
    return; // No package in this build, or the browser cannot run it: the server's totals stay.
  }
  const getJson = async (url) => {
    const r = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    if (!r.ok) throw new Error(`${url}: ${r.status}`);
    return r.json();
  };
  const [setDoc, dossier] = await Promise.all([getJson(live.dataset.set), getJson(live.dataset.dossier)]);
  const set = lib.CriteriaSet.fromObject(setDoc);
  const base = dossier.view.dossier;
  const track = live.dataset.track; // "self" or "review"
  const actor = { user: live.dataset.user, role: live.dataset.role, unit: live.dataset.unit };
  const now = live.dataset.now;
  const [caseName, valueName, command, scoreKey] =
    track === 'review' ? ['rcase', 'rvalue', 'save_review', 'review'] : ['case', 'value', 'save_self', 'self'];
  const codes = $$('input[name^="item:"]').map((i) => i.name.slice(5));
  const field = (name) => document.getElementsByName(name)[0];
  const scored = new Set(base.entries.filter((e) => e[scoreKey]).map((e) => e.criterion));

  function entries() {
    const out = [];
    for (const code of codes) {
      const c = field(`${caseName}:${code}`)?.value;
      const v = field(`${valueName}:${code}`)?.value?.trim().replace(',', '.');
      if (c) out.push({ criterion: code, case: c });
      else if (v) out.push({ criterion: code, value: v });
      else if (scored.has(code)) out.push({ criterion: code, clear: true });
    }
    return out;
  }

  function show(results) {
    const byCode = new Map(results.criteria.map((c) => [c.code, c]));
    for (const o of $$('output[data-points]')) {
      const c = byCode.get(o.dataset.points);
      if (c) o.value = c[scoreKey] ? c[scoreKey].points : '';
    }
    const groups = new Map(results.groups.map((g) => [g.code, g]));
    for (const o of $$('output[data-total="group"]')) {
      const g = groups.get(o.dataset.group);
      if (g && g[scoreKey]) o.value = g[scoreKey].points;
    }
    const total = results.total[scoreKey];
    if (total) {
      $('#total-points').value = total.points;
      $('#total-percent').value = total.percent ?? '';
      $('#total-class').value = results.classification[scoreKey] ?? '';
    }
  }

  function recompute() {
    let list = entries();
    for (const f of $$('[aria-invalid="true"]')) f.removeAttribute('aria-invalid');
    // A value out of range is marked and left out; the rest still counts.
    for (let attempt = 0; attempt <= codes.length; attempt++) {
      const d = lib.Dossier.fromObject(base);
      try {
        d.execute(set, actor, { type: command, entries: list }, now);
        show(d.results(set));
        return;
      } catch (e) {
        const bad = e && (e.criterion || (e.details && e.details.path));
        if (!bad || !list.some((x) => x.criterion === bad)) return;
        for (const name of [`${caseName}:${bad}`, `${valueName}:${bad}`]) field(name)?.setAttribute('aria-invalid', 'true');
        list = list.filter((x) => x.criterion !== bad);
      } finally {
        d.free?.();
      }
    }
  }

  document.addEventListener('change', (e) => {
    if (e.target.form?.id === 'save' || e.target.getAttribute('form') === 'save') recompute();
  });
  document.addEventListener('input', (e) => {
    if (e.target.name?.startsWith(`${valueName}:`)) recompute();
  });
  recompute();
  live.dataset.ready = 'true';
}
