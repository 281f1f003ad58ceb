// Promise chains, callbacks spanning lines, and event handlers.
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

fetch("/api/items")
  .then((res) => {
    if (!res.ok) throw new Error(res.statusText);
    return res.json();
  })
  .then((items) => items.filter((i) => i.active))
  .catch((err) => {
    console.error("failed", err);
    return [];
  })
  .finally(() => console.log("done"));

setTimeout(function () {
  console.log("later");
}, 1000);

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) {
    return;
  }
  const { action } = target.dataset;
  handlers[action]?.(event);
}, { passive: true });

const handlers = {
  open(event) { event.preventDefault(); },
  close: async (event) => {
    await delay(100);
    event.stopPropagation();
  },
};

Promise.allSettled([delay(1), Promise.reject(new Error("x"))]).then((results) =>
  results.forEach(({ status, value, reason }) => console.log(status, value ?? reason))
);
