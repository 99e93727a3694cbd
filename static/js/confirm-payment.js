// Back from Stripe Checkout: post the confirmation form at once, so that the shop asks
// Stripe whether the payment went through. The page itself (a GET) changes nothing.
document.querySelector("[data-confirm-payment]")?.requestSubmit();
