/* ---- controls.js: the parameter form controls handed to parametersReady(). ----
 * One element per parameter ("HTML elements containing linked & bound
 * parameters"), each holding a real, labelled form control, so they work with a
 * keyboard and a screen reader out of the box. Each control has name =
 * parameter key and a data-twikit-parameter attribute, so a shop (or a test)
 * can find it. A typed value the product cannot be made with is flagged with
 * standard HTML constraint validation (setCustomValidity, so the control's
 * validity.valid is false) while the model keeps the last valid value. */

// Zero-specificity defaults (:where) so any shop stylesheet wins without !important.
const CONTROL_STYLES = `
:where(.twikit-field) { display: grid; gap: .35rem; margin: 0 0 1rem; padding: 0; border: 0; min-width: 0; font: inherit; }
:where(.twikit-field > label, .twikit-field > legend) { font-weight: 600; padding: 0; }
:where(.twikit-field select, .twikit-field input[type=text]) { font: inherit; padding: .45rem .55rem; }
:where(.twikit-range) { display: flex; gap: .75rem; align-items: center; }
:where(.twikit-range input) { flex: 1; }
:where(.twikit-range output) { min-width: 3.5em; font-variant-numeric: tabular-nums; }
:where(.twikit-swatches) { display: flex; flex-wrap: wrap; gap: .5rem; }
:where(.twikit-swatch) { display: inline-flex; align-items: center; gap: .4rem; cursor: pointer;
  padding: .25rem .6rem .25rem .3rem; border: 1px solid #c9c6bd; border-radius: 999px; }
:where(.twikit-swatch:has(input:checked)) { border-color: currentColor; box-shadow: 0 0 0 1px currentColor; }
:where(.twikit-swatch input) { position: absolute; opacity: 0; width: 1px; height: 1px; }
:where(.twikit-swatch:has(input:focus-visible)) { outline: 2px solid #2f6fb5; outline-offset: 2px; }
:where(.twikit-swatch-dot) { width: 1.1rem; height: 1.1rem; border-radius: 50%;
  box-shadow: inset 0 0 0 1px rgba(0,0,0,.25); }
:where(.twikit-hint) { font-size: .85em; opacity: .75; }
:where(.twikit-error) { font-size: .85em; color: #b3261e; }
:where(.twikit-field input[aria-invalid=true]) { outline: 2px solid #b3261e; }
`;

function injectControlStyles() {
  if (document.getElementById('twikit-sandbox-control-styles')) return;
  const style = document.createElement('style');
  style.id = 'twikit-sandbox-control-styles';
  style.textContent = CONTROL_STYLES;
  (document.head || document.documentElement).appendChild(style);
}

/** Small DOM helper: element with attributes and children. */
function h(tag, attributes, children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children || []) element.appendChild(child);
  return element;
}

/** Is `value` allowed for `parameter`? The same rules the sandbox server checks. */
function isValidValue(parameter, value) {
  switch (parameter.type) {
    case 'choice': return parameter.options.some((option) => option.value === value);
    case 'range': {
      if (typeof value !== 'number' || !isFinite(value)) return false;
      const steps = (value - parameter.min) / parameter.step;
      return value >= parameter.min && value <= parameter.max && Math.abs(steps - Math.round(steps)) < 1e-9;
    }
    case 'text':
      return typeof value === 'string' && value.length <= parameter.maxLength
        && new RegExp(parameter.pattern).test(value);
    default: return false;
  }
}

/** The variation {id, sku, price} the parameter values imply. */
function variationFor(product, values) {
  const rule = product.variations;
  return Object.assign({}, rule.options[values[rule.parameter]]);
}

const formatRange = (parameter, value) => (parameter.unit ? `${value} ${parameter.unit}`.replace(' °', '°') : String(value));

/**
 * Build the controls for `product`, one element per parameter. `onChange(key, value)`
 * is called with valid values only. Returns {elements, setValue(key, value)} so that
 * context.setParameter() keeps the controls in sync.
 */
function buildControls(product, locale, values, idPrefix, onChange) {
  injectControlStyles();
  const setters = {};
  const elements = [];

  for (const parameter of product.parameters) {
    const id = `${idPrefix}-${parameter.key}`;
    const label = localized(parameter.label, locale);
    let field;
    if (parameter.type === 'choice' && parameter.display === 'swatches') {
      const radios = parameter.options.map((option) => h('input', {
        type: 'radio', name: parameter.key, value: option.value, 'data-twikit-parameter': parameter.key,
        checked: option.value === values[parameter.key]
      }));
      field = h('fieldset', { class: 'twikit-field', 'data-twikit-field': parameter.key }, [
        h('legend', { text: label }),
        h('div', { class: 'twikit-swatches' }, parameter.options.map((option, index) => h('label', { class: 'twikit-swatch' }, [
          radios[index],
          h('span', { class: 'twikit-swatch-dot', style: `background:${option.swatch}`, 'aria-hidden': 'true' }),
          h('span', { text: localized(option.label, locale) })
        ])))
      ]);
      radios.forEach((radio) => radio.addEventListener('change', () => {
        if (radio.checked) onChange(parameter.key, radio.value);
      }));
      setters[parameter.key] = (value) => radios.forEach((radio) => { radio.checked = radio.value === value; });
    } else if (parameter.type === 'choice') {
      const select = h('select', { id, name: parameter.key, 'data-twikit-parameter': parameter.key },
        parameter.options.map((option) => h('option', { value: option.value, text: localized(option.label, locale) })));
      select.value = values[parameter.key];
      select.addEventListener('change', () => onChange(parameter.key, select.value));
      field = h('div', { class: 'twikit-field', 'data-twikit-field': parameter.key }, [
        h('label', { for: id, text: label }), select
      ]);
      setters[parameter.key] = (value) => { select.value = value; };
    } else if (parameter.type === 'range') {
      const input = h('input', {
        id, type: 'range', name: parameter.key, 'data-twikit-parameter': parameter.key,
        min: parameter.min, max: parameter.max, step: parameter.step, value: values[parameter.key]
      });
      const output = h('output', { for: id, text: formatRange(parameter, values[parameter.key]) });
      input.addEventListener('input', () => {
        output.textContent = formatRange(parameter, Number(input.value));
        onChange(parameter.key, Number(input.value));
      });
      field = h('div', { class: 'twikit-field', 'data-twikit-field': parameter.key }, [
        h('label', { for: id, text: label }), h('div', { class: 'twikit-range' }, [input, output])
      ]);
      setters[parameter.key] = (value) => { input.value = value; output.textContent = formatRange(parameter, value); };
    } else {
      field = buildTextField(parameter, locale, values[parameter.key], id, label, onChange, setters);
    }
    field.setAttribute('lang', locale);
    elements.push(field);
  }
  return { elements, setValue: (key, value) => setters[key] && setters[key](value) };
}

/** A text input that only passes on values the product can be made with. */
function buildTextField(parameter, locale, value, id, label, onChange, setters) {
  const hint = localized(parameter.hint, locale);
  const input = h('input', {
    id, type: 'text', name: parameter.key, 'data-twikit-parameter': parameter.key, value,
    maxlength: parameter.maxLength, autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': `${id}-hint ${id}-error`, 'aria-invalid': 'false'
  });
  const error = h('span', { id: `${id}-error`, class: 'twikit-error', 'aria-live': 'polite' });
  input.addEventListener('input', () => {
    // One form for what people type: composed accents (NFC), and capitals where the product prints only those.
    let typed = input.value.normalize('NFC');
    if (parameter.uppercase) typed = typed.toUpperCase();
    if (typed !== input.value) {
      const caret = input.selectionStart;
      input.value = typed;
      input.setSelectionRange(caret, caret);
    }
    const valid = isValidValue(parameter, input.value);
    const message = valid ? '' : translate(locale, 'invalidValue', { hint });
    input.setAttribute('aria-invalid', String(!valid));
    input.setCustomValidity(message); // the page can ask control.validity.valid, as for any form control
    // Keep the last valid value in the visualisation while the customer is typing.
    error.textContent = message;
    if (valid) onChange(parameter.key, input.value);
  });
  setters[parameter.key] = (next) => {
    input.value = next;
    input.setAttribute('aria-invalid', 'false');
    input.setCustomValidity('');
    error.textContent = '';
  };
  return h('div', { class: 'twikit-field', 'data-twikit-field': parameter.key }, [
    h('label', { for: id, text: label }), input,
    h('span', { id: `${id}-hint`, class: 'twikit-hint', text: hint }), error
  ]);
}
