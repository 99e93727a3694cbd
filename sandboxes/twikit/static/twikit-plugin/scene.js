/* ---- scene.js: a tiny 3D engine for Canvas 2D (rotate, project, shade, painter-sort). ----
 * World space: y up, x right, z towards the viewer. Faces are polygons given as
 * arrays of [x, y, z] points. Instead of relying on vertex order, a face names a
 * point `inside` its solid; the normal is flipped to point away from it. That
 * keeps the geometry code in the renderers short and hard to get wrong. */

const add = (a, b) => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const sub = (a, b) => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const scale = (a, s) => [a[0] * s, a[1] * s, a[2] * s];
const dot = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a, b) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));
const lerp = (a, b, t) => a + (b - a) * t;

function normalize(a) {
  const length = Math.hypot(a[0], a[1], a[2]) || 1;
  return [a[0] / length, a[1] / length, a[2] / length];
}

/** '#e2b54a' -> [226, 181, 74] */
function hexToRgb(hex) {
  const value = parseInt(hex.replace('#', ''), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

const mixRgb = (a, b, t) => [lerp(a[0], b[0], t), lerp(a[1], b[1], t), lerp(a[2], b[2], t)];

function rgbString(rgb, alpha) {
  const [r, g, b] = rgb.map((channel) => Math.round(clamp(channel, 0, 255)));
  return alpha === undefined ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
}

// Studio lights, fixed to the camera: turning the object moves its highlights.
const KEY_LIGHT = normalize([-0.55, 0.75, 0.7]);
const FILL_LIGHT = normalize([0.85, 0.15, 0.5]);

/** Polished metal: mostly a reflection of a bright softbox above and a dark floor below. */
function metalMaterial(colours) {
  const base = hexToRgb(colours.base), bright = hexToRgb(colours.bright), dark = hexToRgb(colours.dark);
  return {
    shade(normal, toEye) {
      const reflected = sub(scale(normal, 2 * dot(normal, toEye)), toEye);
      // A fairly sharp horizon in the reflection is what makes facets read as metal.
      const t = clamp((reflected[1] + 0.15) / 0.5, 0, 1);
      const environment = mixRgb(dark, bright, t * t * (3 - 2 * t));
      const diffuse = Math.max(0, dot(normal, KEY_LIGHT));
      const lit = mixRgb(environment, scale(base, 0.45 + 0.75 * diffuse), 0.35);
      const sparkle = Math.pow(Math.max(0, dot(reflected, KEY_LIGHT)), 40) * 220
        + Math.pow(Math.max(0, dot(reflected, FILL_LIGHT)), 24) * 80;
      return [lit[0] + sparkle, lit[1] + sparkle, lit[2] + sparkle];
    }
  };
}

/** Matte 3D-printed plastic, optionally lit from within by a point light (a lamp's bulb). */
function matteMaterial(baseHex, options) {
  const base = hexToRgb(baseHex);
  const glow = options && options.glow;
  return {
    shade(normal, toEye, center) {
      const diffuse = Math.max(0, dot(normal, KEY_LIGHT));
      const fill = Math.max(0, dot(normal, FILL_LIGHT));
      const reflected = sub(scale(normal, 2 * dot(normal, toEye)), toEye);
      const sheen = Math.pow(Math.max(0, dot(reflected, KEY_LIGHT)), 14) * 38;
      const light = 0.3 + 0.62 * diffuse + 0.18 * fill;
      let rgb = [base[0] * light + sheen, base[1] * light + sheen, base[2] * light + sheen];
      if (glow && glow.viewPosition) {
        const toBulb = sub(glow.viewPosition, center);
        const distance = Math.hypot(toBulb[0], toBulb[1], toBulb[2]);
        const facing = dot(normal, scale(toBulb, 1 / distance));
        // Faces turned to the bulb are lit; thin plastic also lets some light through.
        const strength = (Math.max(0, facing) + 0.25 * Math.abs(facing)) * glow.strength
          / (1 + (distance / glow.reach) * (distance / glow.reach));
        rgb = mixRgb(rgb, glow.color, clamp(strength, 0, 0.85));
      }
      return rgb;
    }
  };
}

/**
 * A perspective camera that frames a stage of `radius` around `center`.
 * `zoom` < 1 leaves room (used to show smaller sizes as smaller).
 */
function createCamera(view, stage) {
  const cosYaw = Math.cos(view.yaw), sinYaw = Math.sin(view.yaw);
  const cosPitch = Math.cos(view.pitch), sinPitch = Math.sin(view.pitch);
  const distance = stage.radius * 5;
  const focal = 0.46 * Math.min(view.width, view.height) * distance / stage.radius;
  const center = stage.center || [0, 0, 0];
  const cx = view.width / 2, cy = view.height / 2 + (stage.offsetY || 0) * view.height;
  return {
    eye: [0, 0, distance],
    /** World point -> camera space (rotated about the stage centre). */
    toView(point) {
      const x = point[0] - center[0], y = point[1] - center[1], z = point[2] - center[2];
      const x1 = x * cosYaw + z * sinYaw, z1 = -x * sinYaw + z * cosYaw;
      return [x1, y * cosPitch - z1 * sinPitch, y * sinPitch + z1 * cosPitch];
    },
    /** Camera space -> canvas pixels. */
    project(point) {
      const s = focal / (distance - point[2]);
      return [cx + point[0] * s, cy - point[1] * s];
    },
    /** Pixels per world unit at the stage centre, for 2D extras (shadows, labels). */
    pixelsPerUnit: focal / distance
  };
}

/** Newell's method: a robust normal for any planar-ish polygon. */
function polygonNormal(points) {
  let nx = 0, ny = 0, nz = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i], b = points[(i + 1) % points.length];
    nx += (a[1] - b[1]) * (a[2] + b[2]);
    ny += (a[2] - b[2]) * (a[0] + b[0]);
    nz += (a[0] - b[0]) * (a[1] + b[1]);
  }
  return normalize([nx, ny, nz]);
}

/**
 * Draw faces back to front. `layers` are 2D extras ({depth, draw(ctx)}) painted
 * at their depth among the faces, e.g. a bulb's glow inside a lampshade.
 */
function drawMesh(ctx, faces, camera, layers) {
  const items = [];
  for (const face of faces) {
    const points = face.points.map(camera.toView);
    let normal = polygonNormal(points);
    const center = scale(points.reduce(add, [0, 0, 0]), 1 / points.length);
    if (face.inside && dot(normal, sub(center, camera.toView(face.inside))) < 0) normal = scale(normal, -1);
    const toEye = normalize(sub(camera.eye, center));
    if (dot(normal, toEye) <= 0) {
      if (!face.twoSided) continue; // back face of a closed solid: hidden anyway
      normal = scale(normal, -1);
    }
    items.push({ depth: center[2], points, normal, toEye, center, face });
  }
  for (const layer of layers || []) items.push({ depth: layer.depth, layer });
  items.sort((a, b) => a.depth - b.depth);

  ctx.lineJoin = 'round';
  ctx.lineWidth = 0.8; // covers the hairline seams anti-aliasing leaves between faces
  for (const item of items) {
    if (item.layer) { item.layer.draw(ctx); continue; }
    const colour = rgbString(item.face.material.shade(item.normal, item.toEye, item.center));
    ctx.beginPath();
    item.points.forEach((point, index) => {
      const [x, y] = camera.project(point);
      if (index === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.closePath();
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    ctx.fill();
    ctx.stroke();
  }
}

/** Quads joining two rings of points (same length); `closed` wraps around. */
function stitchRings(ringA, ringB, closed, material, inside, twoSided) {
  const faces = [];
  const count = closed ? ringA.length : ringA.length - 1;
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % ringA.length;
    faces.push({
      points: [ringA[i], ringA[j], ringB[j], ringB[i]], material,
      inside: typeof inside === 'function' ? inside(i) : inside, twoSided
    });
  }
  return faces;
}

/** A soft elliptical contact shadow on the floor below an object. */
function drawFloorShadow(ctx, camera, floorPoint, radius) {
  const [x, y] = camera.project(camera.toView(floorPoint));
  const rx = radius * camera.pixelsPerUnit;
  ctx.save();
  ctx.translate(x, y);
  ctx.scale(1, 0.22);
  const gradient = ctx.createRadialGradient(0, 0, 0, 0, 0, rx);
  gradient.addColorStop(0, 'rgba(30, 30, 40, 0.28)');
  gradient.addColorStop(1, 'rgba(30, 30, 40, 0)');
  ctx.fillStyle = gradient;
  ctx.fillRect(-rx, -rx, rx * 2, rx * 2);
  ctx.restore();
}

/** A small caption at the bottom of the canvas, e.g. the real size of the object. */
function drawCaption(ctx, view, text) {
  ctx.save();
  ctx.font = `500 ${Math.max(11, Math.round(view.width / 48))}px system-ui, sans-serif`;
  ctx.fillStyle = 'rgba(40, 44, 52, 0.6)';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.fillText(text, view.width / 2, view.height - view.height * 0.03);
  ctx.restore();
}

/** A choice parameter's option ({value, label, swatch?}) as published in the product data. */
function optionOf(env, key, value) {
  const parameter = env.product.parameters.find((candidate) => candidate.key === key);
  return parameter.options.find((candidate) => candidate.value === value);
}

/** The translated label of a choice parameter's option, e.g. "Medium (20 mm)". */
const optionLabel = (env, key, value) => localized(optionOf(env, key, value).label, env.locale);
