/* ---- api.js: window.twikit, exactly the calls the spec documents (plus a few helpers). ---- */

/** True if this browser can draw the visualisation (we draw with Canvas 2D). */
function canVisualizeForBrowser() {
  try {
    return Boolean(document.createElement('canvas').getContext('2d'));
  } catch (error) {
    return false;
  }
}

window.twikit = {
  version: PLUGIN_VERSION,
  products: Object.keys(PRODUCTS),
  canVisualizeForBrowser,
  createContext,
  // The spec's example calls initialize(); it takes the same arguments.
  initialize: createContext
};
