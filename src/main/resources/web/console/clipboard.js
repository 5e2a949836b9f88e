// Taskforge: copying text. The Clipboard API exists only on secure pages (https, localhost); on a
// plain-http address a selected, off-screen text area and the copy command do it instead.

/** Copies text; resolves when done, rejects when the browser refuses. */
export function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return new Promise((resolve, reject) => {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'offscreen-copy';
    document.body.appendChild(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    if (done) resolve(); else reject(new Error('the browser refused to copy'));
  });
}
