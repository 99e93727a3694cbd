/* ---- renderers/geo-lamp.js: a pendant lampshade of twisted ribs around a glowing bulb. ----
 * World unit = 10 cm. `height` sets the shade's height, `twist` how far each rib
 * turns from bottom to top, `density` the number of ribs, `colour` the plastic. */

const LAMP_HEIGHT = { small: 2.2, tall: 3.6 };
const LAMP_RADIUS = 1.05;
const LAMP_TOP = 1.75;          // the cord holds the top ring here; a taller shade reaches lower
const RIB_WIDTH = 0.13;
const RIB_THICKNESS = 0.05;
const BULB_COLOUR = [255, 214, 150];

/** The shade's silhouette: radius at t (0 = bottom rim, 1 = top rim), widest a little below the middle. */
const lampProfile = (t) => LAMP_RADIUS * (0.55 + 0.45 * Math.sin(Math.PI * (0.12 + 0.88 * t)));
const polar = (radius, angle, y) => [radius * Math.sin(angle), y, radius * Math.cos(angle)];

/** One rib: a thin band following a helix, as a closed 4-sided tube. */
function ribFaces(index, values, height, material) {
  const segments = values.height === 'tall' ? 18 : 12;
  const twist = (values.twist * Math.PI) / 180;
  const base = (index / values.density) * Math.PI * 2;
  const bottom = LAMP_TOP - height;
  const rings = [], axis = [];
  for (let k = 0; k <= segments; k++) {
    const t = k / segments, y = bottom + t * height, radius = lampProfile(t);
    const angle = base + twist * t;
    const outer = RIB_WIDTH / (2 * radius), inner = RIB_WIDTH / (2 * (radius - RIB_THICKNESS));
    rings.push([polar(radius, angle - outer, y), polar(radius, angle + outer, y),
      polar(radius - RIB_THICKNESS, angle + inner, y), polar(radius - RIB_THICKNESS, angle - inner, y)]);
    axis.push(polar(radius - RIB_THICKNESS / 2, angle, y));
  }
  const faces = [];
  for (let k = 0; k < segments; k++) {
    faces.push(...stitchRings(rings[k], rings[k + 1], true, material, scale(add(axis[k], axis[k + 1]), 0.5)));
  }
  return faces;
}

/** A flat ring with a rectangular section (the shade's top and bottom rims). */
function rimFaces(y, radius, material) {
  const segments = 48, half = 0.045, width = 0.07;
  const rings = [], centre = [];
  for (let i = 0; i < segments; i++) {
    const angle = (i / segments) * Math.PI * 2;
    rings.push([polar(radius + width / 2, angle, y + half), polar(radius + width / 2, angle, y - half),
      polar(radius - width / 2, angle, y - half), polar(radius - width / 2, angle, y + half)]);
    centre.push(polar(radius, angle + Math.PI / segments, y));
  }
  const faces = [];
  for (let i = 0; i < segments; i++) {
    faces.push(...stitchRings(rings[i], rings[(i + 1) % segments], true, material, centre[i]));
  }
  return faces;
}

/** A straight box between two points (spokes of the fitting, the socket). */
function boxFaces(from, to, size, material) {
  const up = normalize(sub(to, from));
  const side = normalize(cross(up, Math.abs(up[1]) > 0.9 ? [1, 0, 0] : [0, 1, 0]));
  const other = cross(up, side);
  const corners = (point) => [[1, 1], [-1, 1], [-1, -1], [1, -1]]
    .map(([a, b]) => add(point, add(scale(side, a * size), scale(other, b * size))));
  const ringA = corners(from), ringB = corners(to), inside = scale(add(from, to), 0.5);
  return [...stitchRings(ringA, ringB, true, material, inside),
    { points: ringA, material, inside }, { points: ringB, material, inside }];
}

/** The bulb and its light, painted at the bulb's depth so the ribs in front cover it. */
function bulbLayer(camera, bulb) {
  const centre = camera.toView(bulb);
  return {
    depth: centre[2],
    draw(ctx) {
      const [x, y] = camera.project(centre);
      const r = 0.95 * camera.pixelsPerUnit;
      const glow = ctx.createRadialGradient(x, y, 0, x, y, r);
      glow.addColorStop(0, 'rgba(255, 250, 235, 1)');
      glow.addColorStop(0.18, 'rgba(255, 222, 160, 0.95)');
      glow.addColorStop(0.5, 'rgba(255, 190, 110, 0.35)');
      glow.addColorStop(1, 'rgba(255, 180, 100, 0)');
      ctx.fillStyle = glow;
      ctx.fillRect(x - r, y - r, r * 2, r * 2);
    }
  };
}

RENDERERS['geo-lamp'] = {
  defaultView: { yaw: 0.3, pitch: 0.22 },
  previewView: { yaw: 0.3, pitch: 0.24 },

  build(values, env) {
    const height = LAMP_HEIGHT[values.height];
    const glow = { color: BULB_COLOUR, strength: 1.1, reach: 0.9, viewPosition: null };
    const material = matteMaterial(optionOf(env, 'colour', values.colour).swatch, { glow });
    const fitting = matteMaterial('#2d2e31');
    const model = {
      faces: [], glow, bulb: [0, LAMP_TOP - 0.55, 0], caption: optionLabel(env, 'height', values.height),
      stage: { radius: height / 2 + 0.45, center: [0, LAMP_TOP - height / 2 + 0.1, 0] }
    };
    const steps = [];
    for (let i = 0; i < values.density; i++) steps.push((m) => m.faces.push(...ribFaces(i, values, height, material)));
    steps.push((m) => m.faces.push(
      ...rimFaces(LAMP_TOP, lampProfile(1), material), ...rimFaces(LAMP_TOP - height, lampProfile(0), material)));
    steps.push((m) => {
      // The fitting: a socket held by three spokes from the top rim.
      m.faces.push(...boxFaces([0, LAMP_TOP - 0.35, 0], [0, LAMP_TOP + 0.12, 0], 0.09, fitting));
      for (let s = 0; s < 3; s++) {
        const angle = (s / 3) * Math.PI * 2 + 0.4;
        const spoke = [polar(0.1, angle, LAMP_TOP), polar(lampProfile(1) - 0.03, angle, LAMP_TOP)];
        m.faces.push(...boxFaces(spoke[0], spoke[1], 0.014, fitting));
      }
    });
    return { model, steps };
  },

  draw(ctx, model, view) {
    // Live, the stage fits the tall shade, so "Tall" looks taller; a cart preview frames the shade itself.
    const camera = createCamera(view, view.preview ? model.stage : { radius: 2.3, center: [0, -0.05, 0] });
    // The cord runs up out of the picture.
    const [x0, y0] = camera.project(camera.toView([0, LAMP_TOP + 0.1, 0]));
    const [x1, y1] = camera.project(camera.toView([0, LAMP_TOP + 6, 0]));
    ctx.strokeStyle = '#2d2e31';
    ctx.lineWidth = Math.max(1.5, camera.pixelsPerUnit * 0.035);
    ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke();

    model.glow.viewPosition = camera.toView(model.bulb);
    drawMesh(ctx, model.faces, camera, [bulbLayer(camera, model.bulb)]);
    if (!view.preview) drawCaption(ctx, view, model.caption);
  }
};
