/* ---- context.js: one customisable product on a shop page (twikit.createContext). ----
 * Holds the parameter values, calls the shop's callbacks, and builds the
 * product's model progressively: a render is a list of small steps spread
 * over a few animation frames, so statusChanged reports real progress. */

const RENDERERS = {};                     // filled in by renderers/*.js
const FRAMES = { loading: 16, busy: 4 };  // animation frames a render is spread over
let contextCount = 0;

/** Accept an HTML element, a jQuery object or a selector string, as the spec allows. */
function resolveTarget(target) {
  let element = null;
  if (typeof target === 'string') element = document.querySelector(target);
  else if (target && target.jquery) element = target[0] || null;
  else if (target && target.nodeType === 1) element = target;
  if (!element) throw new Error(`twikit: visualisation target not found: ${String(target)}`);
  return element;
}

/** Run a shop callback later and outside our promise chains, so its errors surface normally. */
function deliver(callback, args) {
  window.setTimeout(() => callback.apply(null, args), 0);
}

function createContext(productKey, locale, target, options) {
  if (!Object.prototype.hasOwnProperty.call(PRODUCTS, productKey)) {
    throw new Error(`twikit: unknown product key "${productKey}". `
      + `Plugin v${PLUGIN_VERSION} contains: ${Object.keys(PRODUCTS).join(', ')}.`);
  }
  options = options || {};
  const product = PRODUCTS[productKey];
  const renderer = RENDERERS[product.renderer];
  const language = resolveLocale(locale);
  const viewer = createViewer(resolveTarget(target), product, renderer, options, language);
  // The spec says both "#ffffff by default" and "If left blank, transparent is used":
  // an absent option means white, an explicitly empty one means transparent.
  const background = 'previewBackgroundColor' in options ? options.previewBackgroundColor || '' : '#ffffff';
  const idPrefix = `twikit-${++contextCount}`;

  const values = {};
  product.parameters.forEach((parameter) => { values[parameter.key] = parameter.default; });
  const state = {
    model: null, job: null, controls: null, status: null, progress: null,
    // The variation the defaults imply: the one the merchant set the product to start in. No
    // callback announces it: variationChanged "is called when a change in parameters causes the
    // configuration to be of another variant", so a shop must know its starting variant itself.
    variation: variationFor(product, values),
    loaded: false, destroyed: false, pendingSaves: []
  };

  /** Call a shop callback; one that throws must not break the render loop. */
  function emit(name, args) {
    // The spec's own example spells it "parameterReady"; accept that as a fallback.
    const callback = options[name] || (name === 'parametersReady' ? options.parameterReady : null);
    if (typeof callback !== 'function') return;
    try { callback.apply(null, args); } catch (error) { console.error(`twikit: the ${name} callback threw`, error); }
  }

  function report(progress, status) {
    if (progress === state.progress && status === state.status) return;
    state.progress = progress;
    state.status = status;
    emit('statusChanged', [progress, status]);
  }

  /** Announce a change of variation; the same variation again is no change. */
  function checkVariation() {
    const next = variationFor(product, values);
    if (state.variation.id === next.id) return;
    state.variation = next;
    emit('variationChanged', [Object.assign({}, next)]);
  }

  /** The first loading step: the controls. */
  function setup() {
    state.controls = buildControls(product, language, values, idPrefix, applyValue);
    // The spec types the argument `parameters: JQuery` and calls it "HTML elements": a jQuery
    // object when the page has jQuery, else a plain array of the elements (one per parameter).
    const elements = state.controls.elements.slice();
    emit('parametersReady', [typeof window.jQuery === 'function' ? window.jQuery(elements) : elements]);
  }

  /** Start (or restart) building the model for the current values. */
  function startRender() {
    const status = state.model ? 'busy' : 'loading';
    const built = renderer.build(Object.assign({}, values), { product, locale: language });
    const steps = built.steps.map((step) => () => step(built.model));
    if (!state.controls) steps.unshift(setup);
    const job = { status, steps, done: 0, model: built.model, perFrame: Math.ceil(steps.length / FRAMES[status]) };
    state.job = job;
    state.progress = null; // every render reports from 0 again
    report(0, status);
    viewer.nextFrame(() => runSlice(job));
  }

  function runSlice(job) {
    if (state.job !== job || state.destroyed) return; // replaced by a newer render
    const end = Math.min(job.steps.length, job.done + job.perFrame);
    while (job.done < end && state.job === job) job.steps[job.done++]();
    if (state.job !== job) return; // a step's callback changed a value: a new render runs
    if (job.done < job.steps.length) {
      report(clamp(Math.floor((job.done / job.steps.length) * 100), 1, 99), job.status);
      // While re-rendering, the previous model stays on screen; at first, show it growing.
      if (!state.model) viewer.show(job.model, false);
      viewer.nextFrame(() => runSlice(job));
      return;
    }
    state.job = null;
    state.model = job.model;
    viewer.show(job.model, true);
    viewer.drawNow(); // "loaded is called when the plugin is fully loaded and drawn"
    report(100, 'ready');
    if (!state.loaded) { state.loaded = true; emit('loaded', []); }
    state.pendingSaves.splice(0).forEach(saveNow);
  }

  function applyValue(key, value) {
    if (values[key] === value) return;
    values[key] = value;
    checkVariation();
    if (state.job || state.model) startRender(); // else the first render, still to start, uses it
  }

  function saveNow(callback) {
    postConfiguration({
      productKey, version: PLUGIN_VERSION, parameters: Object.assign({}, values),
      variation: { id: state.variation.id, sku: state.variation.sku },
      previewPng: renderPreview(renderer, state.model, background, language)
    }).then((saveData) => deliver(callback, [null, saveData]), (error) => deliver(callback, [error]));
  }

  // Callbacks start after createContext has returned, so they may already use the context.
  Promise.resolve().then(() => { if (!state.destroyed && !state.job) startRender(); });

  return {
    /** Save the current design: callback(err, {configurationId, previewUrl}). */
    save(callback) {
      if (typeof callback !== 'function') throw new TypeError('twikit: save(callback) needs a function(err, saveData)');
      if (state.destroyed) return deliver(callback, [new Error('twikit: this context was destroyed')]);
      // Save what the customer sees: wait for a render in progress to finish.
      if (state.model && !state.job) saveNow(callback); else state.pendingSaves.push(callback);
    },
    getParameters() { return Object.assign({}, values); },
    getVariation() { return Object.assign({}, state.variation); },
    /** Change a parameter from code; the controls follow. Throws on an invalid value. */
    setParameter(key, value) {
      const parameter = product.parameters.find((candidate) => candidate.key === key);
      if (!parameter) throw new Error(`twikit: ${productKey} has no parameter "${key}"`);
      if (!isValidValue(parameter, value)) throw new Error(`twikit: ${JSON.stringify(value)} is not a valid ${key}`);
      if (state.controls) state.controls.setValue(key, value);
      applyValue(key, value);
    },
    /** Remove the canvas and controls, and stop drawing. */
    destroy() {
      state.destroyed = true;
      state.job = null;
      viewer.destroy();
      if (state.controls) state.controls.elements.forEach((element) => element.remove());
      const gone = new Error('twikit: this context was destroyed');
      state.pendingSaves.splice(0).forEach((callback) => deliver(callback, [gone]));
    }
  };
}
