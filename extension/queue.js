// The queue view: upcoming scheduled posts with a live countdown (edit, reschedule, cancel,
// post now) and the past (sent with links, failed with the reason and "Retry", and posts whose
// outcome needs the user). Every decision is the core's; this page draws `schedule_list`.
import { ask, errorText, localize, t, show } from './messaging.js';

localize();
const $ = (id) => document.getElementById(id);
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
$('time-zone').textContent = t('queueTimeZone', [zone]);
$('open-options').addEventListener('click', () => chrome.runtime.openOptionsPage());

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const STATE_KEYS = {
  scheduled: 'queueStateScheduled', sending: 'queueStateSending', sent: 'queueStateSent',
  failed: 'queueStateFailed', retry_waiting: 'queueStateRetryWaiting', needs_unlock: 'queueStateNeedsUnlock',
  needs_confirmation: 'queueStateNeedsConfirmation', cancelled: 'queueStateCancelled',
};
const REASON_KEYS = {
  unknown_outcome: 'scheduleReasonUnknownOutcome', late: 'scheduleReasonLate',
  reply_target_unknown: 'scheduleReasonReplyTargetUnknown',
};
let editing = null; // the id being edited or rescheduled: a refresh does not redraw under the user
let offset = 0; // the worker's clock minus this page's
let last = null; // the last schedule_list answer

function el(tag, { dataset, ...props } = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  Object.assign(node.dataset, dataset ?? {});
  for (const c of children) if (c != null) node.append(c);
  return node;
}

function button(key, onClick, extra = {}) {
  const b = el('button', { type: 'button', textContent: t(key), ...extra });
  b.addEventListener('click', onClick);
  return b;
}

function message(text, kind = 'ok') {
  const m = $('page-message');
  m.textContent = text;
  m.dataset.kind = kind;
  show(m, Boolean(text));
}

async function act(type, fields) {
  const answer = await ask(type, fields);
  if (answer.error) message(errorText(answer.error), 'error');
  else message(t('queueDone'));
  editing = null;
  await refresh();
  return answer;
}

// "2025-01-31T09:30" in the user's time zone, for <input type=datetime-local>.
function localInput(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function countdown(ms) {
  const left = Math.round((ms - Date.now() - offset) / 1000);
  if (left <= 0) return t('queueDueNow');
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const text = h ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return t('queueIn', [text]);
}

function stateText(item) {
  let text = t(STATE_KEYS[item.state.kind] ?? 'queueStateScheduled');
  if (item.late) text += ` · ${t('queueLate')}`;
  return text;
}

function summary(item) {
  const first = item.posts[0] ?? { text: '', media: [] };
  const parts = [];
  if (item.posts.length > 1) parts.push(t('queueThreadOf', [String(item.posts.length)]));
  const images = item.posts.reduce((n, p) => n + p.media.length, 0);
  if (images) parts.push(t('queueMediaCount', [String(images)]));
  return { text: first.text, extra: parts.join(' · ') };
}

function editForm(item) {
  const id = `edit-${item.id}`;
  const area = el('textarea', { id, value: item.posts.map((p) => p.text).join('\n\n---\n\n') });
  const form = el('form', { className: 'inline' },
    el('label', { htmlFor: id, textContent: t('queueEditLabel') }), area,
    el('div', { className: 'actions' },
      el('button', { type: 'submit', className: 'primary', textContent: t('queueSave') }),
      button('queueCancelEdit', () => { editing = null; draw(); refresh(); })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const texts = area.value.split(/\n\s*---\s*\n/);
    // Keep each step's images; the text is what the user edits here.
    const posts = texts.map((text, i) => ({ text: text.trim(), media: item.posts[i]?.media ?? [] }));
    act('schedule_edit', { id: item.id, posts });
  });
  return form;
}

function rescheduleForm(item) {
  const id = `when-${item.id}`;
  const input = el('input', { id, type: 'datetime-local', value: localInput(Math.max(item.due_at_ms, Date.now() + 60_000)), required: true });
  const form = el('form', { className: 'inline' },
    el('label', { htmlFor: id, textContent: `${t('queueNewTime')} (${zone})` }), input,
    el('div', { className: 'actions' },
      el('button', { type: 'submit', className: 'primary', textContent: t('queueReschedule') }),
      button('queueCancelEdit', () => { editing = null; draw(); refresh(); })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const due = new Date(input.value).getTime(); // datetime-local is read in the local zone
    act('schedule_reschedule', { id: item.id, due_at_ms: due });
  });
  return form;
}

function resolveControls(item) {
  const reason = item.state.reason;
  const box = el('div', {},
    el('p', { className: 'hint', textContent: t(REASON_KEYS[reason] ?? 'scheduleReasonUnknownOutcome') }));
  const actions = el('div', { className: 'actions' });
  if (reason === 'unknown_outcome' || reason === 'reply_target_unknown') {
    const id = `post-id-${item.id}`;
    const input = el('input', { id, type: 'text', autocomplete: 'off' });
    box.append(el('label', { htmlFor: id, textContent: t('queuePostIdLabel') }), input);
    actions.append(button('queueItWasPosted', () => {
      const raw = input.value.trim();
      const postId = raw.match(/(\d{5,})\/?$/)?.[1] ?? (raw || null);
      act('schedule_resolve', { id: item.id, resolution: { kind: 'posted', post_id: postId } });
    }));
  }
  if (reason !== 'reply_target_unknown') {
    actions.append(button('queueSendIt', () => act('schedule_resolve', { id: item.id, resolution: { kind: 'send' } }), { className: 'primary' }));
  }
  box.append(actions);
  return box;
}

function row(item, upcoming) {
  const kind = item.state.kind;
  const { text, extra } = summary(item);
  const who = item.username ? `@${item.username}` : item.account_id;
  const meta = el('div', { className: 'meta' },
    el('span', { className: 'account', textContent: who }),
    el('span', { className: 'state', textContent: stateText(item) }));
  if (upcoming) {
    const when = item.wake_at_ms ?? item.due_at_ms;
    meta.append(el('span', { textContent: t('queueDueAt', [dateFmt.format(item.due_at_ms)]) }));
    if (item.wake_at_ms != null) meta.append(el('span', { className: 'countdown', textContent: countdown(when), dataset: { at: String(when) } }));
  } else if (kind === 'sent') {
    meta.append(el('span', { textContent: t('queueSentAt', [dateFmt.format(item.state.at_ms)]) }));
  }
  if (extra) meta.append(el('span', { textContent: extra }));
  const li = el('li', { className: 'item', dataset: { id: String(item.id), kind } }, meta, el('p', { className: 'text', textContent: text }));
  if (kind === 'retry_waiting') li.append(el('p', { className: 'hint', textContent: t('queueRetryReason', [errorText({ code: item.state.code })]) }));
  if (kind === 'failed') li.append(el('p', { className: 'error', textContent: errorText({ code: item.state.code }) }));
  if (kind === 'needs_confirmation') li.append(resolveControls(item));
  for (const p of item.posted) {
    if (p.url) li.append(el('p', {}, el('a', { href: p.url, target: '_blank', rel: 'noopener', textContent: t('queueOpenPost') })));
  }
  const actions = el('div', { className: 'actions' });
  const canChange = ['scheduled', 'retry_waiting', 'needs_unlock', 'needs_confirmation', 'failed'].includes(kind);
  if (upcoming && canChange) {
    actions.append(button('queueEdit', () => { editing = `e${item.id}`; draw(); }));
    actions.append(button('queueReschedule', () => { editing = `r${item.id}`; draw(); }));
  }
  if (['scheduled', 'retry_waiting'].includes(kind) || (kind === 'needs_confirmation' && item.state.reason === 'late')) {
    actions.append(button('queuePostNow', () => act('schedule_post_now', { id: item.id })));
  }
  if (kind === 'failed') actions.append(button('queueRetry', () => act('schedule_retry', { id: item.id }), { className: 'primary' }));
  if (!['sending', 'sent', 'cancelled'].includes(kind)) {
    actions.append(button('queueCancel', () => act('schedule_cancel', { id: item.id }), { className: 'danger' }));
  }
  if (['sent', 'failed', 'cancelled'].includes(kind)) actions.append(button('queueRemove', () => act('schedule_remove', { id: item.id })));
  if (actions.childElementCount) li.append(actions);
  if (editing === `e${item.id}`) li.append(editForm(item));
  if (editing === `r${item.id}`) li.append(rescheduleForm(item));
  return li;
}

// Fetches the queue, unless the user is editing an item (a redraw would take their input away).
async function refresh() {
  if (editing) return;
  const answer = await ask('schedule_list');
  if (answer.error) {
    message(errorText(answer.error), 'error');
    return;
  }
  last = answer.ok;
  offset = last.now_ms - Date.now();
  draw();
}

function draw() {
  if (!last) return;
  const { upcoming, past } = last;
  const focused = document.activeElement?.closest('li.item')?.dataset.id;
  $('upcoming').replaceChildren(...upcoming.map((i) => row(i, true)));
  $('past').replaceChildren(...past.map((i) => row(i, false)));
  show($('upcoming-empty'), upcoming.length === 0);
  show($('past-empty'), past.length === 0);
  show($('unlock-hint'), upcoming.some((i) => i.state.kind === 'needs_unlock'));
  const form = editing && document.querySelector('form.inline textarea, form.inline input');
  if (form) form.focus();
  else if (focused) document.querySelector(`li.item[data-id="${focused}"] button`)?.focus();
}

function tick() {
  for (const span of document.querySelectorAll('.countdown[data-at]')) span.textContent = countdown(Number(span.dataset.at));
}

await refresh();
setInterval(tick, 1000);
// The worker changes the queue on its own; storage tells the page when.
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && changes.queue) refresh();
});
