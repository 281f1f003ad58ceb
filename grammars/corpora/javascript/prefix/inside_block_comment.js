/**
 * Computes things.
 * @param {number} x
