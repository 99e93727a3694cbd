// The order status page keeps itself up to date (templates/orders/status.html).
//
// Every few seconds it asks the shop for the order's progress, as JSON, on the
// page's own signed link plus "/status.json", and updates the page in place:
// the status and what it means, the steps done, the parcels that left with
// their tracking and what is still to come. The shop builds that JSON with the
// same code as the page (storefront/orders/progress.py), so the page always
// says what a reload would.
//
// It stops once the order can change no more, rests while the tab is hidden,
// and asks less often while the shop does not answer. Without JavaScript the
// page offers a reload link instead (a <noscript> in the template).

const MAX_DELAY_MS = 60_000;

class OrderStatusPage {
  constructor(root) {
    this.root = root;
    this.url = root.dataset.statusUrl;
    this.every = Math.max(2, Number(root.dataset.pollSeconds) || 5) * 1000;
    this.delay = this.every;
    this.timer = null;
    this.busy = false;
  }

  get final() {
    return this.root.dataset.final === "true";
  }

  start() {
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.schedule(0); // back on the tab: ask at once
    });
    this.schedule(this.delay);
  }

  schedule(delay) {
    if (this.final || this.busy) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), delay);
  }

  async poll() {
    this.timer = null;
    if (document.hidden) return; // resumed by visibilitychange
    this.busy = true;
    try {
      // no-cache: always ask the shop, which answers 304 (via the ETag) when nothing changed.
      const response = await fetch(this.url, { headers: { Accept: "application/json" }, cache: "no-cache" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.show(await response.json());
      this.delay = this.every;
    } catch (error) {
      this.delay = Math.min(this.delay * 2, MAX_DELAY_MS); // busy or offline: ask less often
    } finally {
      this.busy = false;
    }
    this.schedule(this.delay);
  }

  /** Update the page from an orders.progress.Progress. */
  show(progress) {
    const root = this.root;
    const find = (selector) => root.querySelector(selector);
    root.dataset.status = progress.status;
    root.dataset.final = String(progress.final);

    const badge = find("[data-order-status]");
    badge.textContent = progress.label;
    badge.className = `status-badge status-${progress.status}`;
    find("[data-order-heading]").textContent = progress.heading;
    const message = find("[data-order-message]");
    message.textContent = progress.message;
    message.hidden = !progress.message;
    find("[data-order-cart-link]").hidden = !progress.cart_link;

    find("[data-order-steps]").hidden = !progress.steps.some((step) => step.done);
    for (const step of progress.steps) {
      const item = find(`[data-step="${step.key}"]`);
      if (!item) continue;
      item.classList.toggle("is-done", step.done);
      item.classList.toggle("is-pending", !step.done);
      item.toggleAttribute("data-progress-done", step.done);
      item.querySelector("[data-step-done]").hidden = !step.done;
    }
    this.showParcels(progress);
  }

  /** Redraw what has shipped, parcel by parcel, and what has not (templates/orders/_shipments.html). */
  showParcels(progress) {
    const section = this.root.querySelector("[data-order-shipments]");
    const waiting = progress.not_shipped.length > 0;
    section.hidden = progress.parcels.length === 0;
    section.querySelector('[data-shipments-heading="all"]').hidden = waiting;
    section.querySelector('[data-shipments-heading="part"]').hidden = !waiting;
    const template = section.querySelector("[data-parcel-template]").content.firstElementChild;
    section.querySelector("[data-parcels]").replaceChildren(...progress.parcels.map((parcel) => {
      const card = template.cloneNode(true);
      card.querySelector("[data-parcel-lines]").replaceChildren(...parcel.lines.map(lineItem));
      card.querySelector("[data-tracking-id-line]").hidden = !parcel.tracking_id;
      card.querySelector("[data-tracking-id]").textContent = parcel.tracking_id || "";
      card.querySelector("[data-tracking-url-line]").hidden = !parcel.tracking_url;
      // The shop stores only https tracking URLs (storefront/safe_urls.py), so this link cannot run script.
      card.querySelector("[data-tracking-url]").href = parcel.tracking_url || "#";
      return card;
    }));
    section.querySelector("[data-not-shipped-part]").hidden = !waiting;
    section.querySelector("[data-not-shipped]").replaceChildren(...progress.not_shipped.map(lineItem));
  }
}

/** One line of a parcel, as the template writes it: "1 × Gift Box (Small)". */
function lineItem(line) {
  const item = document.createElement("li");
  const variant = document.createElement("small");
  variant.textContent = `(${line.variant_name})`;
  item.append(`${line.quantity} × ${line.product_name} `, variant);
  return item;
}

const root = document.querySelector("[data-order-status-page]");
if (root) new OrderStatusPage(root).start();
