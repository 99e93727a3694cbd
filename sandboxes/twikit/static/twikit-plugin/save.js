/* ---- save.js: what twikitContext.save() sends to Twikit: parameters, variation and a preview PNG. ---- */

// Read now: document.currentScript is only set while this script first runs.
const SCRIPT_SRC = (document.currentScript && document.currentScript.src)
  || (Array.from(document.querySelectorAll('script[src*="/twikit.js"]')).pop() || {}).src;
// Resolved against the script's own URL (…/plugin/vN/twikit.js), so the sandbox may
// live on any origin, or under a path, without the script knowing it in advance.
const SAVE_URL = SCRIPT_SRC
  ? new URL('../../api/plugin/configurations', SCRIPT_SRC).href
  : new URL('/api/plugin/configurations', window.location.href).href;
const PREVIEW_SIZE = 600;

/** Render the cart preview: a square PNG data URL on `background` ('' = transparent). */
function renderPreview(renderer, model, background, locale) {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = PREVIEW_SIZE;
  const ctx = canvas.getContext('2d');
  if (background) {
    ctx.fillStyle = background;
    ctx.fillRect(0, 0, PREVIEW_SIZE, PREVIEW_SIZE);
  }
  // Always the same product-shot angle, whatever the customer turned it to: carts look tidy.
  renderer.draw(ctx, model, {
    width: PREVIEW_SIZE, height: PREVIEW_SIZE, yaw: renderer.previewView.yaw, pitch: renderer.previewView.pitch,
    locale, preview: true
  });
  return canvas.toDataURL('image/png');
}

/**
 * POST a configuration to Twikit. Resolves to {configurationId, previewUrl};
 * rejects with an Error whose message can be shown to the customer.
 */
function postConfiguration(configuration) {
  return window.fetch(SAVE_URL, {
    method: 'POST', mode: 'cors', credentials: 'omit',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(configuration)
  }).then(
    (response) => response.json().catch(() => ({})).then((data) => {
      if (!response.ok) {
        throw new Error(`Could not save the design: ${data.error || response.statusText} (HTTP ${response.status}).`);
      }
      return { configurationId: data.configurationId, previewUrl: data.previewUrl };
    }),
    () => { throw new Error('Could not save the design: Twikit could not be reached. Please try again.'); }
  );
}
