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
//   data-twikit-background (previewBackgroundColor), data-msg-* (texts), and
//   children [data-twikit-viewer], [data-twikit-parameters], [data-twikit-progress],
//   [data-twikit-spinner], [data-twikit-price], [data-twikit-cart-form],
//   [data-twikit-add-to-cart], [data-twikit-message], [data-twikit-fallback],
//   and <script type="application/json" data-twikit-prices> mapping SKU to the
//   shop's own {name, price}.

const loadedScripts = new Map();

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

/** The plugin passes a jQuery object or a DOM element (spec: "parameters: JQuery"). */
function toElements(parameters) {
  if (parameters && parameters.jquery) return Array.from(parameters);
  if (parameters instanceof Node) return [parameters];
  return [];
}

class TwikitProduct {
  constructor(root) {
    this.root = root;
    this.find = (selector) => root.querySelector(selector);
    this.prices = JSON.parse(this.find("script[data-twikit-prices]")?.textContent || "{}");
    this.form = this.find("[data-twikit-cart-form]");
    this.button = this.find("[data-twikit-add-to-cart]");
    this.message = this.find("[data-twikit-message]");
    this.context = null;
    this.variationKnown = false;
    this.saving = false;
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
  }

  createContext(twikit) {
    const { twikitProductKey, twikitLocale, twikitBackground } = this.root.dataset;
    const onParameters = (parameters) => this.showParameters(parameters);
    const options = {
      loaded: () => this.root.classList.add("twikit-loaded"),
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
    const container = this.find("[data-twikit-parameters]");
    for (const element of toElements(parameters)) {
      if (!container.contains(element)) container.appendChild(element);
    }
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
  }

  /** Show the shop's price for the variation's SKU; never Twikit's price. */
  showVariation(variation) {
    const sku = variation && variation.sku;
    const known = Object.prototype.hasOwnProperty.call(this.prices, sku);
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
    this.button.disabled = this.saving || !this.context || !this.variationKnown;
  }

  onAddToCart(event) {
    event.preventDefault();
    if (this.saving || !this.variationKnown) return;
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
      this.form.submit(); // a normal POST with the CSRF token; the server checks every value
    });
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
