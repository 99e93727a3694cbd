// Twikit plugin embedding for any HTML page, driven by data attributes.
//
// This is the "static site plugin embedding": it needs no framework and no
// server code, only the markup of templates/catalog/product.html. It follows
// the Twikit Custom Integration spec 1.1.2, "JavaScript Plugin":
//   1. load the versioned plugin script,
//   2. check window.twikit.canVisualizeForBrowser(),
//   3. createContext(productKey, locale, target, options) with the callbacks,
//   4. on "Add to cart", context.save(cb) and post the configuration ID.
//
// Markup it reads (on the element with [data-twikit-product]):
//   data-twikit-script-url, data-twikit-product-key, data-twikit-locale,
//   data-twikit-background (previewBackgroundColor), data-twikit-default-sku
//   (the variant the plugin starts in), data-msg-* (texts), and children
//   [data-twikit-viewer], [data-twikit-parameters], [data-twikit-progress],
//   [data-twikit-spinner], [data-twikit-price], [data-twikit-variant-name],
//   [data-twikit-cart-form], [data-twikit-add-to-cart], [data-twikit-message],
//   [data-twikit-fallback], and <script type="application/json" data-twikit-prices>
//   mapping SKU to the shop's own {name, price}.
//
// The contract with the plugin's parameter controls is plain HTML: a control
// whose value cannot be made says so through constraint validation
// (control.validity.valid is false, e.g. after setCustomValidity), and its
// <label> names it. Any plugin that builds ordinary labelled form controls
// gets a design summary and an "Add to cart" that waits for a valid design.

const loadedScripts = new Map();
const SUMMARY_MAX = 200; // the server refuses more (cart.service.MAX_DESIGN_SUMMARY)
const SUMMARY_SEPARATOR = " · ";
// Controls, and the invisible characters a summary must not carry (C0/C1 controls, bidi overrides).
const FORM_CONTROLS = "input, select, textarea";
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Load a classic script once; resolves when it has run. */
function loadScript(url) {
  if (!loadedScripts.has(url)) {
    loadedScripts.set(url, new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.appendChild(script);
    }));
  }
  return loadedScripts.get(url);
}

/**
 * The plugin's parameter "HTML elements" as an array. The spec types them
 * `parameters: JQuery`; a plugin may also hand over one element, an array or a NodeList.
 */
function toElements(parameters) {
  if (!parameters) return [];
  if (parameters instanceof Node) return [parameters];
  if (typeof parameters !== "string" && typeof parameters.length === "number") {
    // A jQuery object, an array, a NodeList or an HTMLCollection: all array-like.
    return Array.from(parameters).filter((item) => item instanceof Node);
  }
  return [];
}

/** Text with runs of white space made one space, and nothing invisible left in it. */
function cleanText(text) {
  return String(text || "").replace(UNSAFE_CHARACTERS, " ").replace(/\s+/g, " ").trim();
}

/** An element's visible words, leaving out any form controls inside it (a <select> inside its <label>). */
function wordsOf(element) {
  const copy = element.cloneNode(true);
  copy.querySelectorAll(`${FORM_CONTROLS}, output, datalist`).forEach((inner) => inner.remove());
  return cleanText(copy.textContent);
}

/** What a control is called: its <label>, else aria-labelledby or aria-label; "" when it is not labelled. */
function labelOf(control) {
  const label = Array.from(control.labels || []).map(wordsOf).find(Boolean);
  if (label) return label;
  const ids = (control.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
  const named = ids.map((id) => document.getElementById(id)).filter(Boolean).map(wordsOf).join(" ");
  return cleanText(named || control.getAttribute("aria-label"));
}

/** The words a control's current value is shown as (an <output> for a slider shows its unit). */
function shownValue(control) {
  const output = control.id
    && Array.from(document.querySelectorAll("output")).find((candidate) => candidate.htmlFor.contains(control.id));
  return cleanText(output ? output.textContent : control.value);
}

/** One part of the design summary for one labelled control, or "" when it adds nothing. */
function summaryPart(control) {
  const label = labelOf(control);
  if (!label || control.disabled) return "";
  const type = (control.type || "").toLowerCase();
  if (["hidden", "button", "submit", "reset", "image", "file", "password"].includes(type)) return "";
  if (type === "radio" || type === "checkbox") return control.checked ? label : ""; // the chosen option's name
  if (control.tagName === "SELECT") {
    // An option names itself ("Gold-plated"); the label would only repeat the question.
    return cleanText(Array.from(control.selectedOptions).map((option) => option.textContent).join(", "));
  }
  const value = shownValue(control);
  return value ? `${label} ${value}` : ""; // a typed value or a number needs its label: "Letter M"
}

/** A readable, display-only summary of the design, e.g. "Letter M · Gold-plated · Medium (20 mm)". */
function designSummary(controls) {
  const summary = controls.map(summaryPart).filter(Boolean).join(SUMMARY_SEPARATOR);
  return summary.length <= SUMMARY_MAX ? summary : `${summary.slice(0, SUMMARY_MAX - 1).trimEnd()}…`;
}

class TwikitProduct {
  constructor(root) {
    this.root = root;
    this.find = (selector) => root.querySelector(selector);
    this.prices = JSON.parse(this.find("script[data-twikit-prices]")?.textContent || "{}");
    this.form = this.find("[data-twikit-cart-form]");
    this.button = this.find("[data-twikit-add-to-cart]");
    this.message = this.find("[data-twikit-message]");
    this.parameters = this.find("[data-twikit-parameters]");
    this.context = null;
    this.ready = false;
    this.saving = false;
    // The variant the plugin starts in: variationChanged "is called when a change in parameters
    // causes the configuration to be of another variant", never for the start.
    this.variationKnown = this.isSold(root.dataset.twikitDefaultSku);
  }

  async start() {
    const { twikitScriptUrl: scriptUrl } = this.root.dataset;
    this.setProgress(0, "loading");
    try {
      await loadScript(scriptUrl);
    } catch (error) {
      return this.showFallback(this.root.dataset.msgLoadFailed);
    }
    const twikit = window.twikit;
    if (!twikit) return this.showFallback(this.root.dataset.msgLoadFailed);
    // The spec recommends this check before creating anything.
    if (typeof twikit.canVisualizeForBrowser === "function" && !twikit.canVisualizeForBrowser()) {
      return this.showFallback(this.root.dataset.msgFallback);
    }
    this.createContext(twikit);
    this.form.addEventListener("submit", (event) => this.onAddToCart(event));
    // Once the customer corrects a value, the complaint about it goes.
    for (const type of ["input", "change"]) {
      this.parameters.addEventListener(type, () => this.clearInvalidMessage());
    }
  }

  createContext(twikit) {
    const { twikitProductKey, twikitLocale, twikitBackground } = this.root.dataset;
    const onParameters = (parameters) => this.showParameters(parameters);
    const options = {
      loaded: () => {
        this.root.classList.add("twikit-loaded");
        this.markReady();
      },
      parametersReady: onParameters,
      parameterReady: onParameters, // the spelling of the spec's example
      statusChanged: (progress, status) => this.setProgress(progress, status),
      variationChanged: (variation) => this.showVariation(variation),
      previewBackgroundColor: twikitBackground || "#ffffff",
    };
    // The spec names it createContext; its example calls initialize.
    const create = typeof twikit.createContext === "function" ? twikit.createContext : twikit.initialize;
    try {
      this.context = create.call(twikit, twikitProductKey, twikitLocale, this.find("[data-twikit-viewer]"), options);
    } catch (error) {
      this.showFallback(this.root.dataset.msgLoadFailed);
    }
  }

  showParameters(parameters) {
    for (const element of toElements(parameters)) {
      if (!this.parameters.contains(element)) this.parameters.appendChild(element);
    }
  }

  /** The form controls among the parameter elements, in page order. */
  controls() {
    return Array.from(this.parameters.querySelectorAll(FORM_CONTROLS));
  }

  setProgress(progress, status) {
    const value = Math.max(0, Math.min(100, Math.round(Number(progress) || 0)));
    const bar = this.find("[data-twikit-progress]");
    bar.setAttribute("aria-valuenow", String(value));
    bar.dataset.status = status;
    this.find("[data-twikit-progress-bar]").style.width = `${value}%`;
    const ready = status === "ready";
    this.find("[data-twikit-spinner]").hidden = ready;
    this.find("[data-twikit-status]").classList.toggle("is-ready", ready);
    this.root.dataset.twikitStatus = status;
    if (ready) this.markReady();
  }

  /** The design is drawn ("loaded", or status "ready"): from now on it can be saved. */
  markReady() {
    this.ready = true;
    this.updateButton();
  }

  isSold(sku) {
    return typeof sku === "string" && Object.prototype.hasOwnProperty.call(this.prices, sku);
  }

  /** Show the shop's price for the variation's SKU; never Twikit's price. */
  showVariation(variation) {
    const sku = variation && variation.sku;
    const known = this.isSold(sku);
    this.variationKnown = known;
    this.form.querySelector("[data-twikit-field=sku]").value = known ? sku : "";
    if (known) {
      this.find("[data-twikit-price]").textContent = this.prices[sku].price;
      this.find("[data-twikit-variant-name]").textContent = this.prices[sku].name;
      this.say("");
    } else {
      this.say(this.root.dataset.msgUnknownSku, "error");
    }
    this.updateButton();
  }

  updateButton() {
    this.button.disabled = this.saving || !this.context || !this.ready || !this.variationKnown;
  }

  onAddToCart(event) {
    event.preventDefault();
    if (this.saving || !this.variationKnown || !this.ready) return;
    // Save only what the customer sees: a control holding a value the product cannot be made
    // with (the plugin keeps drawing the last valid one) must be corrected first.
    const controls = this.controls();
    const invalid = controls.find((control) => control.willValidate && !control.validity.valid);
    if (invalid) {
      this.say(cleanText(`${this.root.dataset.msgInvalidDesign} ${invalid.validationMessage}`), "invalid");
      invalid.focus();
      return;
    }
    const summary = designSummary(controls); // what the customer sees now is what is saved
    this.saving = true; // no double submit while Twikit saves
    this.updateButton();
    this.say(this.root.dataset.msgSaving);
    // Twikit stores the configuration and answers its ID and a preview (spec: save()).
    this.context.save((err, saveData) => {
      if (err || !saveData) {
        this.saving = false;
        this.updateButton();
        return this.say(`${this.root.dataset.msgSaveFailed} ${err && err.message ? err.message : err}`, "error");
      }
      this.form.querySelector("[data-twikit-field=configurationId]").value = saveData.configurationId;
      this.form.querySelector("[data-twikit-field=previewUrl]").value = saveData.previewUrl;
      this.form.querySelector("[data-twikit-field=designSummary]").value = summary;
      this.form.submit(); // a normal POST with the CSRF token; the server checks every value
    });
  }

  clearInvalidMessage() {
    if (this.message.dataset.kind !== "invalid") return;
    if (this.controls().every((control) => !control.willValidate || control.validity.valid)) this.say("");
  }

  showFallback(text) {
    const fallback = this.find("[data-twikit-fallback]");
    fallback.textContent = text;
    fallback.hidden = false;
    this.find("[data-twikit-status]").hidden = true;
    this.root.classList.add("twikit-unavailable");
    this.form.hidden = true; // nothing to add without a configuration
  }

  say(text, kind = "info") {
    this.message.textContent = text || "";
    this.message.dataset.kind = kind;
  }
}

for (const root of document.querySelectorAll("[data-twikit-product]")) {
  new TwikitProduct(root).start();
}
