/* ---- renderers/wave-vase.js: a vase whose wall ripples in vertical waves. ----
 * Not in plugin v1: it ships with the first version published with the "next"
 * product set. World unit = 10 cm; the vase stands on a floor at VASE_FLOOR. */

const VASE_HEIGHT = { standard: 1.8, large: 2.8 };
const VASE_FLOOR = -1.45;
const VASE_AROUND = 72;     // points around the wall: enough for 12 smooth waves
const VASE_WALL = 0.05;
// The silhouette as (height 0..1, radius) control points, eased between with cosines.
const VASE_PROFILE = [[0, 0.5], [0.38, 0.82], [0.82, 0.42], [1, 0.52]];

function vaseRadius(t) {
  for (let i = 1; i < VASE_PROFILE.length; i++) {
    const [t0, r0] = VASE_PROFILE[i - 1], [t1, r1] = VASE_PROFILE[i];
    if (t <= t1) return lerp(r0, r1, (1 - Math.cos(((t - t0) / (t1 - t0)) * Math.PI)) / 2);
  }
  return VASE_PROFILE[VASE_PROFILE.length - 1][1];
}

/** One ring of the wall at height t; the waves fade out towards the foot and the lip. */
function vaseRing(t, height, waves, offset) {
  const y = VASE_FLOOR + t * height;
  const amplitude = 0.14 * Math.sin(Math.PI * Math.min(1, t * 1.15));
  const ring = [];
  for (let i = 0; i < VASE_AROUND; i++) {
    const angle = (i / VASE_AROUND) * Math.PI * 2;
    const radius = vaseRadius(t) * (1 + amplitude * Math.sin(waves * angle)) - offset;
    ring.push([radius * Math.sin(angle), y, radius * Math.cos(angle)]);
  }
  return ring;
}

RENDERERS['wave-vase'] = {
  defaultView: { yaw: 0.2, pitch: 0.3 },
  previewView: { yaw: 0.2, pitch: 0.3 },

  build(values, env) {
    const height = VASE_HEIGHT[values.height];
    const rows = values.height === 'large' ? 24 : 16;
    const material = matteMaterial(optionOf(env, 'colour', values.colour).swatch);
    const model = { faces: [], caption: optionLabel(env, 'height', values.height) };
    const outer = [], inner = [];
    for (let k = 0; k <= rows; k++) {
      outer.push(vaseRing(k / rows, height, values.waves, 0));
      inner.push(vaseRing(k / rows, height, values.waves, VASE_WALL));
    }
    const axis = (k) => [0, VASE_FLOOR + ((k + 0.5) / rows) * height, 0];
    const steps = [];
    for (let start = 0; start < rows; start += 2) {
      steps.push((m) => {
        for (let k = start; k < Math.min(rows, start + 2); k++) {
          m.faces.push(...stitchRings(outer[k], outer[k + 1], true, material, axis(k)));
          // The inside wall faces the axis: its "inside" point lies outside the vase.
          m.faces.push(...stitchRings(inner[k], inner[k + 1], true, material, (i) => scale(outer[k][i], 3)));
        }
      });
    }
    steps.push((m) => {
      const lipY = VASE_FLOOR + height + 1;
      m.faces.push(...stitchRings(outer[rows], inner[rows], true, material, [0, VASE_FLOOR + height - 1, 0]));
      m.faces.push({ points: outer[0].slice().reverse(), material, inside: [0, lipY, 0] });
    });
    return { model, steps };
  },

  draw(ctx, model, view) {
    const camera = createCamera(view, { radius: 2.1, center: [0, 0, 0] });
    drawFloorShadow(ctx, camera, [0, VASE_FLOOR, 0], 1.1);
    drawMesh(ctx, model.faces, camera);
    if (!view.preview) drawCaption(ctx, view, model.caption);
  }
};
