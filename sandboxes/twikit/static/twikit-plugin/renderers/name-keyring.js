/* ---- renderers/name-keyring.js: a printed name keyring with raised letters and a split ring. ----
 * A flat, extruded object is drawn as a stack of 2D layers, each placed in 3D
 * with one affine transform (exact for an orthographic view of a plane). The
 * shapes are painted once into offscreen textures; the stack is then cheap to
 * draw every frame, and "prints" layer by layer while it loads. Units: mm. */

const KEYRING_SIZES = {
  standard: { font: 14, border: 3.4, ring: 11 },
  large: { font: 20, border: 4.6, ring: 14 }
};
// Rounded, bold faces first; every system has at least the last ones. Nothing is downloaded.
const KEYRING_FONT = "800 {size}px 'Arial Rounded MT Bold', 'Nunito', 'Trebuchet MS', "
  + "'Liberation Sans', 'DejaVu Sans', sans-serif";
const TEXT_RELIEF = 1.2;     // mm the letters stand above the plate
const TEXTURE_SCALE = 8;     // texture pixels per mm
const PRINT_STEPS = 10;      // loading shows the plate growing in this many steps

const keyringFont = (size) => KEYRING_FONT.replace('{size}', size);

/** Where everything goes, in mm, with the text baseline starting at x = 0. */
function keyringLayout(values) {
  const size = KEYRING_SIZES[values.size];
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = keyringFont(size.font);
  const metrics = measure.measureText(values.text);
  const ascent = metrics.actualBoundingBoxAscent, descent = metrics.actualBoundingBoxDescent;
  const middle = (descent - ascent) / 2;
  const tabRadius = (ascent + descent) / 2 + size.border;
  const tab = [-size.border - tabRadius * 0.45, middle];
  const hole = tabRadius * 0.42;
  const ring = { x: tab[0] - size.ring + hole * 0.45, y: middle, radius: size.ring, wire: size.font * 0.09 };
  return {
    size, ascent, descent, middle, tab, tabRadius, hole, ring,
    textWidth: metrics.width,
    left: ring.x - ring.radius - ring.wire, right: metrics.width + size.border,
    top: Math.min(-ascent - size.border, middle - ring.radius), bottom: Math.max(descent + size.border, middle + ring.radius)
  };
}

/** An offscreen canvas in mm units covering the plate (not the ring), plus its origin. */
function keyringCanvas(layout) {
  const pad = 2, left = layout.tab[0] - layout.tabRadius - pad, top = -layout.ascent - layout.size.border - pad;
  const width = layout.right + pad - left, height = layout.descent + layout.size.border + pad - top;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * TEXTURE_SCALE);
  canvas.height = Math.ceil(height * TEXTURE_SCALE);
  const ctx = canvas.getContext('2d');
  ctx.setTransform(TEXTURE_SCALE, 0, 0, TEXTURE_SCALE, -left * TEXTURE_SCALE, -top * TEXTURE_SCALE);
  return { canvas, ctx, left, top };
}

/** Paint the plate's silhouette: letters with a thick rounded outline, a bar and a tab with a hole. */
function paintPlate(ctx, layout, text) {
  const { size, tab, tabRadius, middle, textWidth } = layout;
  ctx.fillStyle = ctx.strokeStyle = '#000';
  ctx.font = keyringFont(size.font);
  ctx.lineJoin = 'round';
  ctx.lineWidth = size.border * 2;
  ctx.strokeText(text, 0, 0);
  ctx.fillText(text, 0, 0);
  ctx.lineCap = 'round';
  ctx.lineWidth = (layout.ascent + layout.descent) * 0.55; // a bar keeps every letter in one piece
  ctx.beginPath(); ctx.moveTo(tab[0], middle); ctx.lineTo(Math.max(tab[0], textWidth - size.border), middle); ctx.stroke();
  ctx.beginPath(); ctx.arc(tab[0], tab[1], tabRadius, 0, Math.PI * 2); ctx.fill();
  ctx.globalCompositeOperation = 'destination-out';
  ctx.beginPath(); ctx.arc(tab[0], tab[1], layout.hole, 0, Math.PI * 2); ctx.fill();
  ctx.globalCompositeOperation = 'source-over';
}

/** Recolour a black silhouette: a flat colour, or a soft top-left light for faces. */
function tinted(source, layout, rgb, lit) {
  const target = keyringCanvas(layout);
  paintTexture(target.ctx, source);
  target.ctx.globalCompositeOperation = 'source-in';
  if (lit) {
    const gradient = target.ctx.createLinearGradient(layout.tab[0], -layout.ascent, layout.right, layout.descent);
    gradient.addColorStop(0, rgbString(mixRgb(rgb, [255, 255, 255], 0.22)));
    gradient.addColorStop(0.5, rgbString(rgb));
    gradient.addColorStop(1, rgbString(mixRgb(rgb, [0, 0, 0], 0.12)));
    target.ctx.fillStyle = gradient;
  } else {
    target.ctx.fillStyle = rgbString(rgb);
  }
  target.ctx.fillRect(target.left, target.top, target.canvas.width, target.canvas.height);
  return target;
}

/** The affine transform that puts the plane z (mm) of the object on screen. */
function layerMatrix(view, fit, z) {
  const cosY = Math.cos(view.yaw), sinY = Math.sin(view.yaw);
  const cosP = Math.cos(view.pitch), sinP = Math.sin(view.pitch);
  const s = fit.scale;
  const x0 = -fit.centreX, y0 = -fit.centreY; // object centre -> origin
  const a = s * cosY, b = -s * sinY * sinP, d = s * cosP;
  const e = fit.cx + s * z * sinY + a * x0, f = fit.cy + s * z * cosY * sinP + b * x0 + d * y0;
  return [a, b, 0, d, e, f];
}

/** Draw a texture at its place in mm units (the context's transform does the rest). */
function paintTexture(ctx, texture) {
  const { canvas, left, top } = texture;
  ctx.drawImage(canvas, left, top, canvas.width / TEXTURE_SCALE, canvas.height / TEXTURE_SCALE);
}

function drawTexture(ctx, texture, matrix) {
  ctx.save();
  ctx.transform(...matrix);
  paintTexture(ctx, texture);
  ctx.restore();
}

/** The metal split ring, lying in the plate's middle plane and running through the hole. */
function drawSplitRing(ctx, layout, matrix) {
  const { x, y, radius, wire } = layout.ring;
  ctx.save();
  ctx.transform(...matrix);
  const gradient = ctx.createLinearGradient(x - radius, y - radius, x + radius, y + radius);
  gradient.addColorStop(0, '#f4f5f7'); gradient.addColorStop(0.45, '#9aa0a8'); gradient.addColorStop(1, '#5d636b');
  ctx.lineWidth = wire * 2;
  ctx.strokeStyle = gradient;
  ctx.beginPath(); ctx.arc(x, y, radius, 0, Math.PI * 2); ctx.stroke();
  ctx.lineWidth = wire * 0.5;
  ctx.strokeStyle = 'rgba(255,255,255,0.55)';
  ctx.beginPath(); ctx.arc(x, y, radius + wire * 0.35, Math.PI * 0.95, Math.PI * 1.6); ctx.stroke();
  ctx.restore();
}

RENDERERS['name-keyring'] = {
  defaultView: { yaw: -0.5, pitch: 0.42 },
  previewView: { yaw: -0.38, pitch: 0.38 },

  build(values, env) {
    const colour = hexToRgb(optionOf(env, 'colour', values.colour).swatch);
    const luminance = (0.2126 * colour[0] + 0.7152 * colour[1] + 0.0722 * colour[2]) / 255;
    // Letters in a contrasting colour, as two-colour prints are made.
    const letters = luminance > 0.6 ? [43, 45, 49] : [247, 246, 242];
    const model = { values, printed: 0, caption: optionLabel(env, 'size', values.size) };
    const steps = [
      (m) => { m.layout = keyringLayout(values); },
      (m) => {
        m.plateMask = keyringCanvas(m.layout); paintPlate(m.plateMask.ctx, m.layout, values.text);
        m.textMask = keyringCanvas(m.layout);
        m.textMask.ctx.font = keyringFont(m.layout.size.font);
        m.textMask.ctx.fillText(values.text, 0, 0);
      },
      (m) => {
        m.face = tinted(m.plateMask, m.layout, colour, true);
        m.side = tinted(m.plateMask, m.layout, mixRgb(colour, [0, 0, 0], 0.38), false);
        m.shadow = tinted(m.plateMask, m.layout, [0, 0, 0], false);
      },
      (m) => {
        m.letterFace = tinted(m.textMask, m.layout, letters, true);
        m.letterSide = tinted(m.textMask, m.layout, mixRgb(letters, [0, 0, 0], 0.35), false);
      }
    ];
    for (let i = 1; i <= PRINT_STEPS; i++) steps.push((m) => { m.printed = i / PRINT_STEPS; });
    return { model, steps };
  },

  draw(ctx, model, view) {
    if (!model.letterSide) return;
    const { layout, values } = model;
    const width = layout.right - layout.left, height = layout.bottom - layout.top;
    // Live, short names are not blown up past a sensible size, so "Large" really looks larger;
    // a cart preview just fills its square.
    const fit = {
      scale: Math.min((view.width * 0.82) / width, (view.height * 0.7) / height, view.preview ? Infinity : view.width / 115),
      centreX: (layout.left + layout.right) / 2, centreY: (layout.top + layout.bottom) / 2,
      cx: view.width / 2, cy: view.height * 0.47
    };
    const thickness = values.thickness * model.printed;
    const relief = TEXT_RELIEF * Math.max(0, model.printed * 2 - 1);
    const spacing = 0.7 / fit.scale; // about one screen pixel between layers: the sides look solid
    const layers = [];
    for (let z = 0; z < thickness; z += spacing) layers.push({ z, texture: model.side });
    layers.push({ z: thickness, texture: model.face, lit: true });
    for (let z = thickness; z < thickness + relief; z += spacing) layers.push({ z, texture: model.letterSide });
    if (relief > 0) layers.push({ z: thickness + relief, texture: model.letterFace });
    layers.push({ z: values.thickness / 2, ring: true });
    // Paint from the far side to the near side of the plate.
    const towardsViewer = Math.cos(view.yaw) * Math.cos(view.pitch) >= 0 ? 1 : -1;
    layers.sort((a, b) => (a.z - b.z) * towardsViewer);

    // The plate's normal in camera space, as createCamera() would rotate [0, 0, 1].
    const cosYaw = Math.cos(view.yaw);
    const normal = [Math.sin(view.yaw), -cosYaw * Math.sin(view.pitch), cosYaw * Math.cos(view.pitch)];
    const shade = clamp((0.85 - dot(normal, KEY_LIGHT)) * 0.4, 0, 0.45);
    for (const layer of layers) {
      const matrix = layerMatrix(view, fit, layer.z);
      if (layer.ring) { drawSplitRing(ctx, layout, matrix); continue; }
      drawTexture(ctx, layer.texture, matrix);
      if (layer.lit && shade > 0.01) {
        // Turned away from the light, the face darkens.
        ctx.globalAlpha = shade;
        drawTexture(ctx, model.shadow, matrix);
        ctx.globalAlpha = 1;
      }
    }
    if (!view.preview) drawCaption(ctx, view, model.caption);
  }
};
