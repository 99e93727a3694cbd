/* ---- i18n.js: the plugin's own words. Product words travel with the product data. ---- */

const FALLBACK_LOCALE = 'en';

const MESSAGES = {
  en: {
    canvasLabel: '{product}, 3D preview. Drag or use the arrow keys to rotate.',
    invalidValue: 'Not possible. {hint}.'
  },
  nl: {
    canvasLabel: '{product}, 3D-voorbeeld. Sleep of gebruik de pijltjestoetsen om te draaien.',
    invalidValue: 'Niet mogelijk. {hint}.'
  }
};

/** Map 'nl', 'nl-BE', 'NL_be' to 'nl'; 'default' or anything unknown to English. */
function resolveLocale(locale) {
  const language = String(locale || '').toLowerCase().split(/[-_]/)[0];
  return Object.prototype.hasOwnProperty.call(MESSAGES, language) ? language : FALLBACK_LOCALE;
}

/** Translate one of the plugin's messages, filling in {placeholders}. */
function translate(locale, key, values) {
  const template = (MESSAGES[locale] || MESSAGES[FALLBACK_LOCALE])[key] || key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (values && name in values ? values[name] : match));
}

/** Pick a locale's text from a product's {en: ..., nl: ...} object. */
function localized(texts, locale) {
  if (!texts) return '';
  return texts[locale] || texts[FALLBACK_LOCALE] || '';
}
