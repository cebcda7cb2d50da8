// kbgen default theme: the colour-theme toggle, the signature copy buttons,
// keyboard access to wide code blocks, and FAQ answers opened for printing.
// Pages work without it; search lives in search.js.
(() => {
  const d = document, root = d.documentElement, KEY = 'kbgen-theme';
  const system = matchMedia('(prefers-color-scheme: dark)');
  const dark = () => (root.dataset.theme || (system.matches ? 'dark' : 'light')) === 'dark';

  for (const b of d.querySelectorAll('[data-theme-toggle]')) {
    const sync = () => b.setAttribute('aria-pressed', dark());
    b.addEventListener('click', () => {
      const t = dark() ? 'light' : 'dark';
      root.dataset.theme = t;
      try { localStorage.setItem(KEY, t); } catch (e) { /* private mode: not remembered */ }
      sync();
    });
    system.addEventListener?.('change', sync);
    sync();
    b.hidden = false;
  }

  const buttons = d.querySelectorAll('.copy-button[data-copy]');
  if (buttons.length) {
    const status = d.createElement('p');
    status.className = 'sr-only copy-status';
    status.setAttribute('role', 'status');
    (d.querySelector('main') || d.body).append(status);
    const say = (b, label, msg) => {
      b.textContent = label;
      b.classList.toggle('copied', label === 'Copied');
      status.textContent = msg;
      clearTimeout(b.t);
      b.t = setTimeout(() => { b.textContent = 'Copy'; b.classList.remove('copied'); status.textContent = ''; }, 2500);
    };
    for (const b of buttons) {
      b.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(b.dataset.copy);
          say(b, 'Copied', 'Copied to the clipboard');
        } catch (e) {
          getSelection().selectAllChildren(b.previousElementSibling);
          say(b, 'Copy', 'Selected: press Ctrl+C to copy');
        }
      });
      b.hidden = false;
    }
  }

  // Code blocks and tables that scroll sideways must be reachable from the keyboard.
  const scrollers = () => {
    for (const p of d.querySelectorAll('pre:not(.sig-text), table')) {
      if (p.scrollWidth > p.clientWidth) p.tabIndex = 0; else p.removeAttribute('tabindex');
    }
  };
  scrollers();
  addEventListener('resize', scrollers);

  let closed = [];
  addEventListener('beforeprint', () => {
    closed = [...d.querySelectorAll('details:not([open])')];
    for (const x of closed) x.open = true;
  });
  addEventListener('afterprint', () => { for (const x of closed) x.open = false; });
})();
