/* ---- renderers/diamond-letter-jewel.js: a faceted letter pendant on a chain. ----
 * Each letter is a skeleton of strokes; every stroke becomes a beam with a
 * step-cut cross-section and pointed ends, which gives the facets. */

/** Points along an ellipse, angles in degrees (0 = right, 90 = down, as on a 4x6 letter grid). */
function glyphArc(cx, cy, rx, ry, from, to, steps) {
  const points = [];
  for (let i = 0; i <= steps; i++) {
    const angle = ((from + ((to - from) * i) / steps) * Math.PI) / 180;
    points.push([cx + rx * Math.cos(angle), cy + ry * Math.sin(angle)]);
  }
  return points;
}

/** Letter skeletons on a 4-wide, 6-high grid (y down). A stroke whose ends meet is closed. */
const GLYPHS = {
  A: [[[0, 6], [2, 0], [4, 6]], [[0.75, 3.8], [3.25, 3.8]]],
  B: [[[0, 6], [0, 0], [2.2, 0], ...glyphArc(2.2, 1.5, 1.4, 1.5, 270, 450, 8), [0, 3]],
    [[0, 3], [2.4, 3], ...glyphArc(2.4, 4.5, 1.6, 1.5, 270, 450, 8), [0, 6]]],
  C: [glyphArc(2.1, 3, 2, 3, 320, 40, 14)],
  D: [[[0, 0], [1.6, 0], ...glyphArc(1.6, 3, 2.4, 3, 270, 450, 12), [0, 6], [0, 0]]],
  E: [[[4, 0], [0, 0], [0, 6], [4, 6]], [[0, 3], [3, 3]]],
  F: [[[4, 0], [0, 0], [0, 6]], [[0, 3], [3, 3]]],
  G: [[...glyphArc(2.1, 3, 2, 3, 320, 20, 14), [4, 3.3], [2.3, 3.3]]],
  H: [[[0, 0], [0, 6]], [[4, 0], [4, 6]], [[0, 3], [4, 3]]],
  I: [[[2, 0], [2, 6]], [[0.8, 0], [3.2, 0]], [[0.8, 6], [3.2, 6]]],
  J: [[[1.2, 0], [4, 0]], [[4, 0], ...glyphArc(2, 4, 2, 2, 0, 170, 9)]],
  K: [[[0, 0], [0, 6]], [[4, 0], [0, 3.8]], [[1.4, 2.6], [4, 6]]],
  L: [[[0, 0], [0, 6], [4, 6]]],
  M: [[[0, 6], [0, 0], [2, 3.6], [4, 0], [4, 6]]],
  N: [[[0, 6], [0, 0], [4, 6], [4, 0]]],
  O: [glyphArc(2, 3, 2, 3, 0, 360, 18)],
  P: [[[0, 6], [0, 0], [2.2, 0], ...glyphArc(2.2, 1.6, 1.8, 1.6, 270, 450, 8), [0, 3.2]]],
  Q: [glyphArc(2, 3, 2, 3, 0, 360, 18), [[2.5, 4.4], [4.2, 6.4]]],
  R: [[[0, 6], [0, 0], [2.2, 0], ...glyphArc(2.2, 1.6, 1.8, 1.6, 270, 450, 8), [0, 3.2]], [[1.9, 3.2], [4, 6]]],
  S: [[...glyphArc(2, 1.5, 1.9, 1.5, 330, 90, 9), ...glyphArc(2, 4.5, 1.9, 1.5, 270, 510, 10).slice(1)]],
  T: [[[0, 0], [4, 0]], [[2, 0], [2, 6]]],
  U: [[[0, 0], [0, 4], ...glyphArc(2, 4, 2, 2, 180, 0, 10), [4, 0]]],
  V: [[[0, 0], [2, 6], [4, 0]]],
  W: [[[0, 0], [1, 6], [2, 2], [3, 6], [4, 0]]],
  X: [[[0, 0], [4, 6]], [[4, 0], [0, 6]]],
  Y: [[[0, 0], [2, 3], [4, 0]], [[2, 3], [2, 6]]],
  Z: [[[0, 0], [4, 0], [0, 6], [4, 6]]]
};

const JEWEL_METALS = {
  silver: { base: '#cdd2d9', bright: '#ffffff', dark: '#737a85' },
  gold: { base: '#d6a12e', bright: '#ffe7a3', dark: '#5b3b0c' }
};
const LETTER_HEIGHT = { small: 1.5, medium: 2.0, large: 2.5 }; // world unit = 1 cm
const BAIL_TOP = 1.45;      // the chain holds the bail here; smaller letters hang shorter
const MAX_MITER = 2.2;      // sharper corners become two pointed stroke ends instead
// Cross-section of every stroke, like a step-cut stone: a flat table on each side,
// bevels around it (x across the stroke, z out of the letter's plane, both -1..1).
const STONE_SECTION = [[1, 0], [0.5, 1], [-0.5, 1], [-1, 0], [-0.5, -1], [0.5, -1]];

const perpendicular = (d) => [-d[1], d[0]];
function direction(a, b) {
  const dx = b[0] - a[0], dy = b[1] - a[1], length = Math.hypot(dx, dy);
  return [dx / length, dy / length];
}

/** Split a stroke at corners too sharp to miter, and drop repeated points. */
function splitStroke(points) {
  const same = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 1e-6;
  const clean = points.filter((point, i) => i === 0 || !same(point, points[i - 1]));
  const closed = clean.length > 2 && same(clean[0], clean[clean.length - 1]);
  if (closed) return [{ points: clean.slice(0, -1), closed: true }];
  const strokes = [];
  let current = [clean[0]];
  for (let i = 1; i < clean.length; i++) {
    current.push(clean[i]);
    if (i < clean.length - 1) {
      const n1 = perpendicular(direction(clean[i - 1], clean[i])), n2 = perpendicular(direction(clean[i], clean[i + 1]));
      const mitre = 1 / Math.max(1e-6, Math.hypot(n1[0] + n2[0], n1[1] + n2[1]) / 2);
      if (mitre > MAX_MITER) { strokes.push({ points: current, closed: false }); current = [clean[i]]; }
    }
  }
  strokes.push({ points: current, closed: false });
  return strokes;
}

/** Faces of one stroke as a faceted beam with pointed ends, as a list of build steps. */
function strokeSteps(stroke, toWorld, halfWidth, halfDepth, material) {
  const { points, closed } = stroke;
  const count = points.length;
  const segmentNormal = (a, b) => perpendicular(direction(points[a], points[b]));
  const rings = points.map((point, i) => {
    // The mitred cross-section at a joint lies halfway between its two segments' normals.
    const n1 = closed || i > 0 ? segmentNormal((i - 1 + count) % count, i) : segmentNormal(0, 1);
    const n2 = closed || i < count - 1 ? segmentNormal(i, (i + 1) % count) : segmentNormal(count - 2, count - 1);
    let nx = n1[0] + n2[0], ny = n1[1] + n2[1];
    const length = Math.hypot(nx, ny);
    const mitre = Math.min(MAX_MITER, 2 / length);
    nx = (nx / length) * halfWidth * mitre; ny = (ny / length) * halfWidth * mitre;
    return STONE_SECTION.map(([across, depth]) => {
      const corner = toWorld([point[0] + nx * across, point[1] + ny * across]);
      return add(corner, [0, 0, depth * halfDepth]);
    });
  });
  const steps = [];
  const segments = closed ? count : count - 1;
  for (let start = 0; start < segments; start += 3) {
    steps.push((model) => {
      for (let i = start; i < Math.min(segments, start + 3); i++) {
        const j = (i + 1) % count;
        const inside = scale(add(toWorld(points[i]), toWorld(points[j])), 0.5);
        model.faces.push(...stitchRings(rings[i], rings[j], true, material, inside));
      }
    });
  }
  if (!closed) {
    // Pointed ends, like the tip of a cut stone.
    steps.push((model) => [[0, 1], [count - 1, count - 2]].forEach(([end, inner]) => {
      const d = direction(points[inner], points[end]);
      const tip = toWorld([points[end][0] + d[0] * halfWidth * 0.9, points[end][1] + d[1] * halfWidth * 0.9]);
      rings[end].forEach((corner, k) => model.faces.push({
        points: [corner, rings[end][(k + 1) % rings[end].length], tip], material, inside: toWorld(points[inner])
      }));
    }));
  }
  return steps;
}

/** The jump ring the chain runs through, at right angles to the letter. */
function bailFaces(centre, radius, tube, material) {
  const rings = [];
  const segments = 18;
  for (let i = 0; i < segments; i++) {
    const angle = (i / segments) * Math.PI * 2;
    const radial = [0, Math.cos(angle), Math.sin(angle)];
    const axis = add(centre, scale(radial, radius));
    rings.push([add(axis, scale(radial, tube)), add(axis, [tube, 0, 0]),
      add(axis, scale(radial, -tube)), add(axis, [-tube, 0, 0])]);
  }
  const faces = [];
  for (let i = 0; i < segments; i++) {
    const middle = ((i + 0.5) / segments) * Math.PI * 2;
    const axis = add(centre, scale([0, Math.cos(middle), Math.sin(middle)], radius));
    faces.push(...stitchRings(rings[i], rings[(i + 1) % segments], true, material, axis));
  }
  return faces;
}

/** The chain: two strands of small links rising from the bail, drawn in 2D behind the pendant. */
function drawChain(ctx, camera, from, metal) {
  const start = camera.project(camera.toView(from));
  const link = Math.max(3, camera.pixelsPerUnit * 0.13);
  for (const side of [-1, 1]) {
    const end = camera.project(camera.toView([side * 2.6, from[1] + 3.2, -0.8]));
    const length = Math.hypot(end[0] - start[0], end[1] - start[1]);
    const angle = Math.atan2(end[1] - start[1], end[0] - start[0]);
    for (let s = link * 0.6, i = 0; s < length; s += link * 0.82, i++) {
      ctx.save();
      ctx.translate(start[0] + Math.cos(angle) * s, start[1] + Math.sin(angle) * s);
      ctx.rotate(angle);
      ctx.beginPath();
      ctx.ellipse(0, 0, link * 0.55, i % 2 ? link * 0.12 : link * 0.3, 0, 0, Math.PI * 2);
      ctx.lineWidth = Math.max(1, link * 0.16);
      ctx.strokeStyle = i % 2 ? metal.dark : metal.mid;
      ctx.stroke();
      ctx.restore();
    }
  }
}

RENDERERS['diamond-letter-jewel'] = {
  defaultView: { yaw: -0.5, pitch: 0.12 },
  previewView: { yaw: -0.42, pitch: 0.1 },

  build(values, env) {
    const strokes = GLYPHS[values.letter].flatMap(splitStroke);
    const height = LETTER_HEIGHT[values.size];
    const unit = height / 6;
    const metal = JEWEL_METALS[values.material];
    const material = metalMaterial(metal);
    // Hang the letter from its highest point nearest the middle, as a jeweller would.
    const all = strokes.flatMap((stroke) => stroke.points);
    const top = Math.min(...all.map((point) => point[1]));
    const hook = all.filter((point) => point[1] < top + 0.05).sort((a, b) => Math.abs(a[0] - 2) - Math.abs(b[0] - 2))[0];
    const bailRadius = 0.2, tube = 0.055;
    const letterTop = BAIL_TOP - bailRadius * 2 - tube;
    const span = BAIL_TOP - letterTop + height; // from the top of the bail to the foot of the letter
    const toWorld = (point) => [(point[0] - hook[0]) * unit, letterTop - (point[1] - top) * unit, 0];
    const model = {
      faces: [], bailTop: [0, BAIL_TOP, 0], caption: optionLabel(env, 'size', values.size),
      stage: { radius: span / 2 + 0.3, center: [0, BAIL_TOP - span / 2, 0] },
      metal: {
        mid: rgbString(mixRgb(hexToRgb(metal.base), [0, 0, 0], 0.2)),
        dark: rgbString(mixRgb(hexToRgb(metal.base), [0, 0, 0], 0.5))
      }
    };
    const steps = strokes.flatMap((stroke) => strokeSteps(stroke, toWorld, unit * 0.72, unit * 0.55, material));
    steps.push((m) => m.faces.push(...bailFaces([0, BAIL_TOP - bailRadius, 0], bailRadius, tube, material)));
    return { model, steps };
  },

  draw(ctx, model, view) {
    // Live, the stage fits the large size, so sizes compare; a cart preview frames the letter itself.
    const camera = createCamera(view, view.preview ? model.stage : { radius: 2.05, center: [0, 0, 0] });
    drawChain(ctx, camera, model.bailTop, model.metal);
    drawMesh(ctx, model.faces, camera);
    if (!view.preview) drawCaption(ctx, view, model.caption);
  }
};
