// Reveal the delivery address only when the customer asks for a different one.
// Hidden fields are also disabled, so the browser neither validates nor sends them.
const toggle = document.querySelector("[data-toggle-delivery]");
const fieldset = document.querySelector("[data-delivery-fieldset]");
if (toggle && fieldset) {
  const sync = () => {
    fieldset.hidden = !toggle.checked;
    fieldset.disabled = !toggle.checked;
  };
  toggle.addEventListener("change", sync);
  sync();
}
