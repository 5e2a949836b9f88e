// Taskforge console: a secret the server shows once (an API token, an invite code), with a copy button.
import { h, toast } from './dom.js';
import { copyText } from './clipboard.js';

export function secretOnce(label, value) {
  const code = h('code', { class: 'secret' }, value);
  return h('div', { class: 'secret-box', role: 'status' },
    h('p', {}, h('strong', {}, label + ': '), 'copy it now — it is not shown again.'),
    code, ' ',
    h('button', { type: 'button', onclick: () => copyText(value)
      .then(() => toast('Copied'), () => toast('Copy failed: select the text and copy it', 'error')) }, 'Copy'));
}
