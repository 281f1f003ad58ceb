// This file has no items at all.

/* Just comments
   and blank lines. */

// The grammar accepts an empty sequence of items.
