/* ---- viewer.js: the canvas on the shop page: its size, drawing, and turning the object. ----
 * The canvas takes the target's width (sharp on HiDPI screens) and the
 * product's aspect ratio. The customer turns the object by dragging or with
 * the arrow keys; until then it sways slowly, so it reads as 3D. */

function createViewer(element, product, renderer, options, locale) {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) {
    throw new Error('twikit: this browser cannot draw the visualisation; check twikit.canVisualizeForBrowser() first');
  }
  canvas.className = 'twikit-canvas';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('tabindex', '0');
  canvas.setAttribute('aria-label', translate(locale, 'canvasLabel', { product: localized(product.name, locale) }));
  canvas.style.cssText = 'display:block;width:100%;touch-action:pan-y;cursor:grab;outline-offset:-2px';
  element.appendChild(canvas);

  const reducedMotion = Boolean(window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches);
  const canSway = options.autoRotate !== false && !reducedMotion;
  const state = {
    yaw: renderer.defaultView.yaw, pitch: renderer.defaultView.pitch, userTurned: false,
    model: null, complete: false, width: 0, height: 0, ratio: 1,
    dirty: false, frame: null, tasks: [], swayStart: null, destroyed: false
  };

  function layout() {
    const width = Math.round(element.clientWidth || 480);
    const height = Math.round(Math.min(width * product.aspectRatio, Math.max(200, window.innerHeight * 0.85)));
    const ratio = window.devicePixelRatio || 1;
    if (width === state.width && height === state.height && ratio === state.ratio) return;
    Object.assign(state, { width, height, ratio });
    canvas.style.height = `${height}px`;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    state.dirty = true;
    wake();
  }

  function draw() {
    state.dirty = false;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!state.model) return;
    ctx.setTransform(state.ratio, 0, 0, state.ratio, 0, 0); // draw in CSS pixels
    const { width, height, yaw, pitch } = state;
    renderer.draw(ctx, state.model, { width, height, yaw, pitch, locale });
  }

  /** One animation frame: queued tasks first (render steps), then the sway, then paint. */
  function frame(time) {
    state.frame = null;
    if (state.destroyed) return;
    state.tasks.splice(0).forEach((task) => task());
    const swaying = canSway && state.complete && !state.userTurned;
    if (swaying) {
      state.swayStart = state.swayStart || time;
      state.yaw = renderer.defaultView.yaw + 0.5 * Math.sin((time - state.swayStart) / 2600);
      state.dirty = true;
    }
    if (state.dirty) draw();
    if (state.tasks.length || swaying) wake();
  }

  function wake() {
    if (!state.frame && !state.destroyed) state.frame = window.requestAnimationFrame(frame);
  }

  function turn(deltaYaw, deltaPitch) {
    state.userTurned = true;
    state.yaw += deltaYaw;
    state.pitch = clamp(state.pitch + deltaPitch, -0.35, 1.1);
    state.dirty = true;
    wake();
  }

  let drag = null;
  const listeners = {
    pointerdown(event) {
      drag = { x: event.clientX, y: event.clientY };
      canvas.setPointerCapture(event.pointerId);
      canvas.style.cursor = 'grabbing';
    },
    pointermove(event) {
      if (!drag) return;
      turn((event.clientX - drag.x) * 0.01, (event.clientY - drag.y) * 0.006);
      drag = { x: event.clientX, y: event.clientY };
    },
    pointerup() { drag = null; canvas.style.cursor = 'grab'; },
    keydown(event) {
      const moves = { ArrowLeft: [-0.15, 0], ArrowRight: [0.15, 0], ArrowUp: [0, -0.1], ArrowDown: [0, 0.1] };
      if (!moves[event.key]) return;
      event.preventDefault(); // turn the object, do not scroll the page
      turn(moves[event.key][0], moves[event.key][1]);
    }
  };
  listeners.pointercancel = listeners.pointerup;
  Object.entries(listeners).forEach(([type, listener]) => canvas.addEventListener(type, listener));
  const resizeObserver = window.ResizeObserver ? new window.ResizeObserver(layout) : null;
  if (resizeObserver) resizeObserver.observe(element); else window.addEventListener('resize', layout);
  layout();

  return {
    /** Show `model`; `complete` false means it is still being built (no sway yet). */
    show(model, complete) {
      state.model = model;
      state.complete = complete;
      state.dirty = true;
      wake();
    },
    /** Paint right away (so "loaded" can promise the object is drawn). */
    drawNow: draw,
    /** Run `task` in the next animation frame, before painting. */
    nextFrame(task) {
      state.tasks.push(task);
      wake();
    },
    destroy() {
      state.destroyed = true;
      if (state.frame) window.cancelAnimationFrame(state.frame);
      if (resizeObserver) resizeObserver.disconnect(); else window.removeEventListener('resize', layout);
      Object.entries(listeners).forEach(([type, listener]) => canvas.removeEventListener(type, listener));
      canvas.remove();
    }
  };
}
