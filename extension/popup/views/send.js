// What happens after Post: progress (upload bytes, step n of m), the result with links, or the
// failure with what is already on X and the choices the core allows: resume, discard the
// rest, or, when the outcome is unknown, "check the profile", "it is on X" or "send anyway".
import { $, el, show } from '../../lib/dom.js';
import { t, errorText } from '../../lib/i18n.js';
import { bytes, postUrl } from '../../lib/format.js';
import { currentAccount } from '../store.js';

/** @param {import('../store.js').Store} store @param {import('../effects.js').Effects} fx */
export function mountSend(store, fx) {
  $('resume').addEventListener('click', () => fx.send({ resume: true }));
  $('on-x').addEventListener('click', () => fx.send({ resume: true, decision: 'on_x', post_url: $('posted-url').value }));
  $('send-anyway').addEventListener('click', () => fx.send({ resume: true, decision: 'send_anyway' }));
  $('discard-rest').addEventListener('click', () => fx.discardRest());

  store.subscribe((s, prev) => {
    if (s.progress !== prev.progress) renderProgress(s.progress);
    if (s.result !== prev.result) renderResult(s);
    if (s.failure !== prev.failure || s.sending !== prev.sending || s.decisionError !== prev.decisionError) renderFailure(s, prev);
  });
}

/** @param {import('../../lib/protocol.js').Progress|null} p */
function renderProgress(p) {
  const box = $('progress');
  if (!p?.active) return show(box, false);
  const step = String(Math.min((p.step ?? 0) + 1, p.steps ?? 1));
  const steps = String(p.steps ?? 1);
  const bar = $('progress-bar');
  const total = p.total_bytes ?? 0;
  if (p.phase === 'uploading' && total > 0) {
    $('progress-text').textContent = t('popupUploading', [bytes(p.uploaded_bytes ?? 0), bytes(total), step, steps]);
    bar.max = total;
    bar.value = Math.min(p.uploaded_bytes ?? 0, total);
    show(bar, true);
  } else {
    $('progress-text').textContent = Number(steps) > 1 ? t('popupPostingStep', [step, steps]) : t('popupPosting');
    show(bar, false);
  }
  box.dataset.phase = p.phase ?? 'posting';
  show(box, true);
}

/** @param {import('../store.js').State} s */
function renderResult(s) {
  const box = $('result');
  const r = s.result;
  if (!r) return show(box, false);
  if (r.kind === 'posted_elsewhere') {
    box.replaceChildren(el('p', { textContent: t('popupPostedElsewhere') }));
  } else {
    const head = r.posted.length > 1 ? t('popupPostedThread', [String(r.posted.length)]) : t('popupPosted');
    box.replaceChildren(el('p', { textContent: head }), postedLinks(r.posted, r.username));
  }
  show(box, true);
}

/**
 * @param {import('../../lib/protocol.js').Posted[]} posted
 * @param {string|undefined} username
 */
function postedLinks(posted, username) {
  return el('ol', { className: 'posted-links' }, ...posted.map((p, k) => el('li', {},
    el('a', {
      href: postUrl(p, username), target: '_blank', rel: 'noopener', dataset: { id: p.id },
      textContent: posted.length > 1 ? t('popupViewPostN', [String(k + 1)]) : t('popupViewPost'),
    }))));
}

/** @param {import('../store.js').State} s @param {import('../store.js').State} prev */
function renderFailure(s, prev) {
  const box = $('failure');
  const f = s.failure;
  $('resume').disabled = s.sending;
  $('discard-rest').disabled = s.sending;
  if (!f || s.sending) return show(box, false);
  const { error, steps } = f;
  box.dataset.code = error.code ?? 'internal';
  let text = errorText(error);
  if (steps > 1 && Number.isInteger(error.step)) text = t('popupStepFailed', [String((error.step ?? 0) + 1), String(steps), text]);
  $('failure-text').textContent = `${text} ${t('popupDraftKept')}`;
  const posted = error.posted ?? [];
  const where = $('failure-posted');
  const username = currentAccount(s)?.user?.username;
  where.replaceChildren(...(posted.length ? [el('p', { textContent: t('popupAlreadyPosted', [String(posted.length)]) }), postedLinks(posted, username)] : []));
  show(where, posted.length > 0);
  // It may be on X: check, say it is there, or send anyway; never a plain "Resume".
  const unknown = error.code === 'post_outcome_unknown';
  // A step on X whose id is unknown: only its link lets the thread go on.
  const needsLink = error.code === 'post_id_required';
  show($('unknown-actions'), unknown || needsLink);
  show($('send-anyway'), unknown);
  const refused = $('posted-url-error');
  refused.textContent = s.decisionError ? errorText(s.decisionError) : '';
  show(refused, Boolean(s.decisionError));
  if (s.decisionError && s.decisionError !== prev.decisionError) $('posted-url').focus();
  if ((unknown || needsLink) && f !== prev.failure) {
    $('check-profile').href = `https://x.com/${username ?? ''}`;
    $('posted-url').value = '';
  }
  show($('resume'), f.resumable && !unknown);
  show($('discard-rest'), f.resumable);
  show($('failure-locked'), f.resumable);
  show(box, true);
}
