/* Block comment at the top
   spanning lines */
// Line comment
const s1 = 'single \'quoted\' string';
const s2 = "double \"quoted\" string with \\ backslash";
const s3 = 'line \
continuation';
const s4 = "unicode \u00e9 \u{1F600} \x41 \0 \n\t";
const n1 = 0, n2 = 123, n3 = 1_000_000, n4 = 0.25, n5 = 1e-7, n6 = 2E+10;
const n7 = 0XABCDEF, n8 = 0O17, n9 = 0B11, n10 = 9007199254740993n, n11 = 017, n12 = 08;
const bools = [true, false, null, undefined, NaN, Infinity];
const arr = [, , 1, , 2, ,];
const nested = [[1, [2, [3]]], {}, [], ""];
const émoji = "identifier with accent"; // unicode identifier
const $dollar = 1, _under = 2, \u0061bc = 3;
const after = 1 /* inline */ + /* another */ 2;
/** JSDoc
 * @type {number}
 */
let documented = 42;
// comment at end without newline
