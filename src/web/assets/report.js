// Progressive enhancement for the report form: a live count of the URLs entered.
(() => {
  const area = document.getElementById('urls');
  const out = document.getElementById('url-count');
  if (!area || !out) return;
  let timer;
  const update = () => {
    const seen = new Set();
    for (const line of area.value.split(/\r\n|\r|\n/)) {
      const t = line.trim();
      if (t) seen.add(t);
    }
    out.textContent = seen.size === 1 ? '1 URL entered' : `${seen.size} URLs entered`;
  };
  area.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
})();
