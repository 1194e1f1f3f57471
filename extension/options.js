import { ask, errorText, localize } from './messaging.js';

localize();
const status = document.getElementById('core-status');
const answer = await ask('status');
status.textContent = answer.ok
  ? chrome.i18n.getMessage('coreReady', [answer.ok.version])
  : errorText(answer.error);
status.dataset.state = answer.ok ? 'ready' : 'failed';
